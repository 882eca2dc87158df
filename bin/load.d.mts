// Types of bin/load.mjs (plain JS: bin/ runs it before any TypeScript loader is registered).
export declare const ENTRIES: Readonly<Record<'cli' | 'reporter' | 'errors' | 'early-start' | 'daemon', string>>;
export declare function bundleMatchesSources(root: URL): boolean;
export declare function load(name: keyof typeof ENTRIES): Promise<Record<string, unknown>>;
