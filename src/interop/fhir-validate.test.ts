import { describe, expect, it } from 'vitest';
import { loincCheckDigit, loincCodeProblem, snomedIdProblem, verhoeffValid } from './fhir-validate.ts';

describe('code checks without a terminology server', () => {
  it('Verhoeff check digit (SNOMED CT identifiers): known concepts pass, one changed digit fails', () => {
    // 10200004 liver structure, 22298006 myocardial infarction, 118565006 volume, 363698007 finding site.
    for (const id of ['10200004', '22298006', '118565006', '363698007']) {
      expect(verhoeffValid(id), id).toBe(true);
      expect(snomedIdProblem(id), id).toBeNull();
    }
    expect(verhoeffValid('10200005')).toBe(false);
    expect(verhoeffValid('22298060')).toBe(false); // a transposition of the last two digits
    expect(snomedIdProblem('10200005')).toMatch(/Verhoeff/);
    expect(snomedIdProblem('0200004')).toMatch(/leading zero/);
    // Partition 01: a description identifier, not a concept.
    expect(snomedIdProblem('123456011')).toMatch(/partition 01/);
  });

  it("LOINC mod-10 check digit as in the LOINC Users' Guide (12345 -> 5)", () => {
    expect(loincCheckDigit('12345')).toBe(5);
    expect(loincCodeProblem('18748-4')).toBeNull(); // diagnostic imaging study
    expect(loincCodeProblem('2160-0')).toBeNull(); // creatinine, serum/plasma
    expect(loincCodeProblem('18748-5')).toMatch(/check digit/);
    expect(loincCodeProblem('18748')).toMatch(/not a LOINC code/);
  });
});
