import { describe, expect, it } from 'vitest';
import { foldText, searchKey } from '../../../shared/domain/text/fold';

describe('foldText: one spelling for letters people type either way', () => {
  it('folds ё to е and case, so «Семён Фёдоров» and «семен федоров» are one key', () => {
    expect(foldText('Семён Фёдоров')).toBe('семен федоров');
    expect(foldText('СЕМЁН')).toBe(foldText('Семен'));
    expect(foldText('Ёлкина')).toBe('елкина');
  });

  it('keeps й: it is a letter of its own in Russian, not и with a mark', () => {
    expect(foldText('Йошкин Андрей')).toBe('йошкин андрей');
    expect(foldText('Й')).toBe('й');
    // й written as и + combining breve is the same letter
    expect(foldText('и\u0306')).toBe('й');
  });

  it('drops Latin diacritics: é→e, ü→u, ñ→n, ç→c, å→a, and the same for capitals', () => {
    expect(foldText('Élodie Müller')).toBe('elodie muller');
    expect(foldText('Muñoz Çelik Ångström')).toBe('munoz celik angstrom');
    expect(foldText('Dvořák Łukasz Øster Straße Æsir Œuvre Đorđe')).toBe('dvorak lukasz oster strasse aesir oeuvre dorde');
  });

  it('reads precomposed and decomposed forms alike', () => {
    expect(foldText('Mu\u0308ller')).toBe(foldText('Müller'));
    expect(foldText('е\u0308')).toBe('е');
  });

  it('leaves digits, other scripts and punctuation as they are', () => {
    expect(foldText('Анна 2 (VIP)')).toBe('анна 2 (vip)');
    expect(foldText('王芳')).toBe('王芳');
    expect(foldText('')).toBe('');
  });
});

describe('searchKey: the stored sort and search key of a name', () => {
  it('is the fold with spaces collapsed and trimmed', () => {
    expect(searchKey('  Семён \t Фёдоров\u00a0 ')).toBe('семен федоров');
    expect(searchKey('Émile  Zola')).toBe('emile zola');
  });

  it('sorts accented names with their base letter', () => {
    const names = ['Zoë', 'Émile', 'Eva', 'Ёлкин', 'Егор', 'Жанна'];
    expect(names.sort((a, b) => (searchKey(a) < searchKey(b) ? -1 : 1))).toEqual(['Émile', 'Eva', 'Zoë', 'Егор', 'Ёлкин', 'Жанна']);
  });
});
