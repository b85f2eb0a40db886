/** Minimal types for @lhncbc/ucum-lhc 7 (NLM's UCUM library ships none): the unit-string validator only. */
declare module '@lhncbc/ucum-lhc' {
  export const UcumLhcUtils: {
    getInstance(): { validateUnitString(unit: string, suggest?: boolean): { status: 'valid' | 'invalid' | 'error'; msg?: string[] } };
  };
}
