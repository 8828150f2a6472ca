import { catalog } from '@tessera/catalog';
import { defineConfig } from '@tessera/cli';

// This service's composition: the catalog (nas comes along as its dependency). `tessera migrate` reads it.
export default defineConfig({ contexts: [catalog] });
