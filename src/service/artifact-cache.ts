/**
 * Small JSON/Markdown artifacts are read once from storage and then served from memory, so that a burst of
 * report GETs costs no disk read each (eval/bench/service-latency.ts measures this). Bounded in bytes, least
 * recently used out first; a study's entries are dropped when it is deleted.
 */
export interface CachedArtifact {
  readonly contentType: string;
  readonly body: Buffer;
}

export class ArtifactCache {
  private readonly entries = new Map<string, CachedArtifact>();
  private bytes = 0;

  constructor(private readonly maxBytes: number) {}

  get(studyId: string, name: string): CachedArtifact | undefined {
    const key = `${studyId}/${name}`;
    const hit = this.entries.get(key);
    if (hit) {
      this.entries.delete(key);
      this.entries.set(key, hit);
    }
    return hit;
  }

  set(studyId: string, name: string, value: CachedArtifact): void {
    if (value.body.length > this.maxBytes / 4) return;
    const key = `${studyId}/${name}`;
    this.remove(key);
    this.entries.set(key, value);
    this.bytes += value.body.length;
    for (const [k] of this.entries) {
      if (this.bytes <= this.maxBytes) break;
      this.remove(k);
    }
  }

  dropStudy(studyId: string): void {
    for (const k of [...this.entries.keys()]) if (k.startsWith(`${studyId}/`)) this.remove(k);
  }

  private remove(key: string): void {
    const v = this.entries.get(key);
    if (!v) return;
    this.bytes -= v.body.length;
    this.entries.delete(key);
  }
}
