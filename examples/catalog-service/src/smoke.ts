// Writes a catalog tree through the repositories and reads it back, on DATABASE_URL (after `tessera migrate`).
import { CatalogRepository } from '@tessera/catalog';
import { composition } from '@tessera/cli';
import { connectOrm } from '@tessera/kernel';
import config from '../tessera.config.ts';

const url = process.env.DATABASE_URL;
if (!url) throw new Error('DATABASE_URL is not set');
const orm = await connectOrm(await composition(config), url);
try {
  const code = `SVC_${Date.now()}`;
  await new CatalogRepository(orm.em.fork()).createCatalogTree({
    project: { code, name: 'Service smoke test' },
    seasons: [
      {
        year: 2025,
        events: [{ eventNumber: 1, name: 'Main Event', episodes: [{ episodeNumber: 1, title: 'Day 1' }] }],
      },
    ],
  });
  const found = await new CatalogRepository(orm.em.fork()).findByCode(code);
  if (found?.name !== 'Service smoke test') throw new Error(`read back ${JSON.stringify(found)}`);
  console.log(`wrote and read project ${code} through @tessera/catalog`);
} finally {
  await orm.close(true);
}
