import { tessera } from '@tessera/testing/vitest';
import { defineConfig } from 'vitest/config';

export default defineConfig({ plugins: [tessera()] });
