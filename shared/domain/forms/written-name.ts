/** A name's words for comparison: case, ё/е, punctuation and spacing do not count. */
function words(name: string): string[] {
  return name
    .toLocaleLowerCase('ru')
    .replace(/ё/g, 'е')
    .split(/[^\p{L}\p{N}]+/u)
    .filter(Boolean);
}

/** Two words of a name agree when they are the same, or one is the other's initial ("А." and «Анна»). */
function wordsAgree(a: string, b: string): boolean {
  if (a === b) return true;
  return (a.length === 1 && b.startsWith(a)) || (b.length === 1 && a.startsWith(b));
}

/**
 * Whether the name written on a paper row names someone else than the contact the number belongs to: false when
 * either is blank, or every word of the shorter name agrees with a word of the longer one («Анна» and «Смирнова
 * Анна», «А. Смирнова» and «Анна Смирнова», «Семён» and «Семен»). «Дмитрий Смирнов» against «Анна Смирнова» is
 * another name: staff must say whether it is the same person or the number was mistyped.
 */
export function namesDiffer(written: string, known: string): boolean {
  const a = words(written);
  const b = words(known);
  if (a.length === 0 || b.length === 0) return false;
  const [shorter, longer] = a.length <= b.length ? [a, b] : [b, a];
  const unused = [...longer];
  for (const w of shorter) {
    const i = unused.findIndex((u) => wordsAgree(w, u));
    if (i < 0) return true;
    unused.splice(i, 1);
  }
  return false;
}
