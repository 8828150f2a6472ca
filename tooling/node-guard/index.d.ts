/** The supported range, e.g. `>=24.16.0` (this package's `engines.node`). */
export declare const requiredNode: string;
/** Whether `version` (e.g. `20.20.2`) satisfies a `>=X.Y.Z` range. */
export declare function satisfies(version: string, range?: string): boolean;
/** The one line an unsupported Node gets: the version needed, the version found, and how to get the right one. */
export declare function unsupportedNodeMessage(version?: string): string;
