import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { TesseraConfig } from './config.ts';

/** The file names `tessera` looks for, in this order, in the working directory and its parents. */
export const CONFIG_FILES = ['tessera.config.ts', 'tessera.config.mts', 'tessera.config.js', 'tessera.config.mjs'];

/** The config file is missing or does not export a valid config. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

/** The nearest config file from `from` upwards, or undefined. */
export function findConfig(from = process.cwd()): string | undefined {
  for (let dir = resolve(from); ; dir = dirname(dir)) {
    const found = CONFIG_FILES.map((f) => join(dir, f)).find((f) => existsSync(f));
    if (found) return found;
    if (dirname(dir) === dir) return undefined;
  }
}

/** Imports a config file (Node strips TypeScript types) and checks what it exports; by default the nearest one. */
export async function loadConfig(path = findConfig()): Promise<TesseraConfig> {
  if (!path) {
    throw new ConfigError(
      `no ${CONFIG_FILES[0]} in ${process.cwd()} or its parents: create one (export default defineConfig({ contexts: [...] })) or pass --config FILE`,
    );
  }
  const file = resolve(path);
  if (!existsSync(file)) throw new ConfigError(`config file ${file} does not exist`);
  const module = (await import(pathToFileURL(file).href)) as { default?: unknown };
  const config = module.default as Partial<TesseraConfig> | undefined;
  if (!config || !Array.isArray(config.contexts) || config.contexts.length === 0) {
    throw new ConfigError(
      `${file}: the default export must be defineConfig({ contexts: [...] }) with at least one context`,
    );
  }
  for (const [i, ctx] of config.contexts.entries()) {
    if (typeof ctx?.name !== 'string' || !Array.isArray(ctx.migrations)) {
      throw new ConfigError(
        `${file}: contexts[${i}] is not a context module (import it from its package, e.g. @tessera/catalog)`,
      );
    }
  }
  return config as TesseraConfig;
}
