/**
 * Minimal types for dcmjs 0.51 (the package ships none): only the parts groundct uses, the Part 10 data set
 * encoder/decoder behind src/interop/dicom-dataset.ts.
 */
declare module 'dcmjs' {
  /** A data set in dcmjs's "naturalized" form: keyword -> value, sequences as arrays of data sets. */
  export type NaturalDataset = Record<string, unknown>;
  /** dcmjs's tag-keyed form: "00080016" -> { vr, Value }. */
  export type DenaturalizedDataset = Record<string, { vr: string; Value?: unknown[] }>;
  export class DicomDict {
    constructor(meta: DenaturalizedDataset);
    meta: DenaturalizedDataset;
    dict: DenaturalizedDataset;
    write(options?: { allowInvalidVRLength?: boolean; fragmentMultiframe?: boolean }): ArrayBuffer;
  }
  export class DicomMessage {
    static readFile(buffer: ArrayBuffer, options?: { ignoreErrors?: boolean; untilTag?: string }): DicomDict;
  }
  export const DicomMetaDictionary: {
    naturalizeDataset(dataset: DenaturalizedDataset): NaturalDataset;
    denaturalizeDataset(dataset: NaturalDataset): DenaturalizedDataset;
    /** Attribute keyword -> dictionary entry. */
    nameMap: Record<string, { tag: string; vr: string; name: string }>;
  };
  const dcmjs: {
    data: { DicomDict: typeof DicomDict; DicomMessage: typeof DicomMessage; DicomMetaDictionary: typeof DicomMetaDictionary };
    log: { setLevel(level: string): void };
  };
  export default dcmjs;
}
