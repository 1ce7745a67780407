/** Countries offered first wherever a default country is chosen (the shops we serve); any ISO code still works. */
export const COUNTRIES = ['RU', 'KZ', 'BY', 'UA', 'AM', 'UZ', 'KG', 'GE', 'DE', 'AT', 'FR', 'IT', 'ES', 'NL', 'PL', 'GB', 'IE', 'US', 'CA'];
