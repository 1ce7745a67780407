import { createWriteStream } from 'node:fs';
import { once } from 'node:events';

const FIRST = ['Иван', 'Мария', 'Алексей', 'Ольга', 'Дмитрий', 'Анна', 'Сергей', 'Елена', 'John', 'Emma', 'Liam', 'Olivia'];
const LAST = ['Иванов', 'Смирнова', 'Кузнецов', 'Попова', 'Васильев', 'Петрова', 'Smith', 'Müller', 'Brown', 'Taylor'];
const SOURCES = ['web form', 'in-store sheet', 'loyalty card', 'checkout'];
const CITIES = ['Москва', 'Екатеринбург', 'Санкт-Петербург', 'Новосибирск', 'Berlin', 'London'];

/** Deterministic PRNG so every run writes the same file. */
function mulberry32(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The number of row `i` (unique per row, Russian mobile range); `offset` shifts the whole range. */
export const benchPhone = (i: number, offset = 0): string => `+79${String(100000000 + offset + i).padStart(9, '0')}`;

/**
 * Write a typical CRM export (~120 bytes a row, UTF-8): id, names, phone typed the Russian way, e-mail, city, tags,
 * an SMS consent answer with its date and source on 40 % of rows, an opt-out on 3 %.
 */
export async function writeCrmCsv(path: string, rows: number, offset = 0): Promise<void> {
  const rnd = mulberry32(7 + offset);
  const out = createWriteStream(path);
  out.write('Customer ID,First Name,Last Name,Phone,Email,City,Tags,SMS Consent,Consent Date,Consent Source\n');
  let buf = '';
  for (let i = 0; i < rows; i++) {
    const p = benchPhone(i, offset);
    const phone = `8 (${p.slice(2, 5)}) ${p.slice(5, 8)}-${p.slice(8, 10)}-${p.slice(10, 12)}`;
    const first = FIRST[Math.floor(rnd() * FIRST.length)]!;
    const last = LAST[Math.floor(rnd() * LAST.length)]!;
    const r = rnd();
    const consent = r < 0.4 ? 'yes' : r < 0.43 ? 'unsubscribed' : 'no';
    const date =
      consent === 'no'
        ? ''
        : `2025-${String(1 + Math.floor(rnd() * 12)).padStart(2, '0')}-${String(1 + Math.floor(rnd() * 28)).padStart(2, '0')} 12:00`;
    const source = consent === 'yes' ? SOURCES[Math.floor(rnd() * SOURCES.length)]! : '';
    buf += `C${offset + i},${first},${last},${phone},user${offset + i}@example.com,${CITIES[i % CITIES.length]},"vip, newsletter",${consent},${date},${source}\n`;
    if (buf.length > 1 << 20) {
      if (!out.write(buf)) await once(out, 'drain');
      buf = '';
    }
  }
  out.end(buf);
  await once(out, 'finish');
}
