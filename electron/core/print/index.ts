export { printLabels, quotedRu, type PrintLabels, type PrintLanguage } from './labels';
export { qrPng, qrSvg } from './qr';
export { maxGroupRows, renderSheets, type SheetForm, type SheetPaper, type SheetSpec } from './sheets';
export { renderPoster, type PosterSpec } from './poster';
export { renderBatchReport, reportLabels, type ReportConsent, type ReportLabels, type ReportRow, type ReportSpec } from './report';
