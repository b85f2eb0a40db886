/** Types of scripts/build.mjs (plain JavaScript: it runs before anything is compiled). */
export declare const REPO_ROOT: string;
export declare const SRC_DIR: string;
export declare const DIST_DIR: string;
/** Relative paths (OS separator) of every input under src/: all files but tests and .d.ts, sorted. */
export declare function listInputs(): string[];
/** The path, relative to dist/, of an input's output. */
export declare function outputOf(rel: string): string;
/** Whether dist/ was built from the sources as they are now. */
export declare function isBuildFresh(): boolean;
export declare function build(options?: { force?: boolean; log?: (message: string) => void }): Promise<{ built: boolean; written: number; removed: number }>;
