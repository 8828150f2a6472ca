import { ValidationError as OrmValidationError } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import {
  declareConsistency,
  flushOrDetach,
  NotFoundError,
  type PageOptions,
  pageOf,
  Repository,
  sql,
  TesseraError,
  translateDbError,
  UniqueViolationError,
  validateEntity,
  validateId,
} from '@tessera/kernel';
import { Episode } from '../entities/episode.entity.ts';
import { Event } from '../entities/event.entity.ts';
import { type IProject, Project } from '../entities/project.entity.ts';
import { type ISeason, Season } from '../entities/season.entity.ts';

/** Page sizes of the project and search lists. */
export const CATALOG_PAGE = { max: 100, default: 20 };

/** A new project (series). */
export interface ProjectInput {
  code: string;
  name: string;
  description?: string | null;
  nasBasePath?: string | null;
  isActive?: boolean;
}

/** A new episode of an event. Dates are `YYYY-MM-DD`. */
export interface EpisodeInput {
  episodeNumber: number;
  title: string;
  description?: string | null;
  dayLabel?: string | null;
  airDate?: string | null;
  durationSeconds?: number | null;
  isPublished?: boolean;
}

/** A new event of a season, with its episodes. */
export interface EventInput {
  eventNumber: number;
  name: string;
  eventType?: string | null;
  gameType?: string | null;
  buyIn?: number | null;
  currency?: string;
  prizePool?: number | null;
  entries?: number | null;
  startDate?: string | null;
  endDate?: string | null;
  episodes?: EpisodeInput[];
}

/** A new season of a project, with its events. */
export interface SeasonInput {
  year: number;
  name?: string;
  location?: string | null;
  startDate?: string | null;
  endDate?: string | null;
  events?: EventInput[];
}

/** A whole catalog tree to create at once: a project and its seasons, events and episodes. */
export interface CatalogTreeInput {
  project: ProjectInput;
  seasons: SeasonInput[];
}

/** A season that was not created, and why. */
export interface SkippedSeason {
  index: number;
  year: unknown;
  error: TesseraError;
}

/** What {@link CatalogRepository.createCatalogTree} created and skipped. */
export interface CatalogTreeResult {
  project: IProject;
  seasons: ISeason[];
  skipped: SkippedSeason[];
}

/** One page of projects with the total count. */
export interface ProjectPage<T> {
  items: T[];
  total: number;
  page: number;
  limit: number;
}

/** Projects and the season/event/episode tree under them. */
export class CatalogRepository extends Repository {
  /** Creates a project; a code a live project already has is a UniqueViolationError on code. */
  async createProject(input: ProjectInput): Promise<IProject> {
    const project = await this.newProject(this.em, input);
    await flushOrDetach(this.em, [project]);
    return project;
  }

  /**
   * Creates a project and its seasons, events and episodes in one transaction, each season in its own
   * savepoint: a season that fails (bad data, a constraint) is rolled back to its
   * savepoint and reported in `skipped`, and the project and every other season commit. A bad project fails
   * the whole call and writes nothing.
   */
  async createCatalogTree(input: CatalogTreeInput): Promise<CatalogTreeResult> {
    return this.em.transactional(async (tx) => {
      const project = await this.newProject(tx, input.project);
      await flushOrDetach(tx, [project]);
      const seasons: ISeason[] = [];
      const skipped: SkippedSeason[] = [];
      for (const [index, seasonInput] of input.seasons.entries()) {
        try {
          // A cleared fork: the season must not be linked into the outer project's `seasons` collection, or
          // a failed season would be flushed again, with the project, at commit.
          const season = await tx.transactional(
            async (sp) => {
              const created = this.newSeason(sp, project.id, seasonInput);
              await sp.flush();
              return created;
            },
            { clear: true },
          );
          seasons.push(season);
        } catch (error) {
          skipped.push({ index, year: seasonInput.year, error: asTypedError(error, tx) });
        }
      }
      return { project, seasons, skipped };
    });
  }

  /**
   * One page of live projects by code, each with its live seasons and their live events loaded eagerly
   * (one query per level, `select-in`, not a row per combination).
   */
  async listProjects(options: PageOptions = {}): Promise<ProjectPage<IProject>> {
    const { page, limit, offset } = pageOf('Project', options, CATALOG_PAGE);
    const [items, total] = await this.em.findAndCount(
      Project,
      {},
      {
        populate: ['seasons', 'seasons.events'],
        strategy: 'select-in',
        orderBy: { code: 'asc', seasons: { year: 'asc', events: { eventNumber: 'asc' } } },
        limit,
        offset,
      },
    );
    return { items, total, page, limit };
  }

  /** One page of live projects with only the columns a list needs (id, code, name), as plain rows. */
  async projectSummaries(options: PageOptions = {}) {
    const { page, limit, offset } = pageOf('Project', options, CATALOG_PAGE);
    return sql<{ id: string; code: string; name: string }>(this.em, {
      text: 'select id, code, name from catalog.projects where deleted_at is null order by code limit $1 offset $2',
      values: [limit, offset],
    }).then((items) => ({ items, page, limit }));
  }

  /** The live project with this code, or null. */
  async findByCode(code: string): Promise<IProject | null> {
    return this.em.findOne(Project, { code });
  }

  /**
   * Soft-deletes a project and, with the same timestamp, its live seasons, events and episodes; returns the
   * timestamp. NotFoundError when no live project has the id.
   */
  async softDeleteProject(id: string): Promise<Date> {
    validateId('Project', 'id', id);
    const at = new Date();
    // One statement, so the four updates are atomic without a transaction of their own. All the data-modifying
    // CTEs run against the same snapshot and none sees another's changes to a table: each level finds its rows
    // through the ids the level above returned, never by reading back what that level wrote. PostgreSQL runs every
    // data-modifying CTE to completion whether or not the final select reads it, so `x` needs no reference there.
    const rows = await sql<{ n: number }>(this.em, {
      text: `with p as (update catalog.projects set deleted_at = $2 where id = $1 and deleted_at is null returning id),
       s as (update catalog.seasons set deleted_at = $2 where project_id in (select id from p) and deleted_at is null returning id),
       e as (update catalog.events set deleted_at = $2 where season_id in (select id from s) and deleted_at is null returning id),
       x as (update catalog.episodes set deleted_at = $2 where event_id in (select id from e) and deleted_at is null returning id)
       select (select count(*) from p)::int as n`,
      values: [id, at],
    });
    if (rows[0]?.n !== 1) throw new NotFoundError('Project', { id });
    this.em.clear();
    return at;
  }

  /**
   * Restores a soft-deleted project and what was deleted with it (same timestamp). A live project that took
   * its code meanwhile makes this a UniqueViolationError on code, and nothing is restored.
   */
  async restoreProject(id: string): Promise<void> {
    validateId('Project', 'id', id);
    await this.em.transactional(async (tx) => {
      // The snapshot trick: every data-modifying CTE of the statement sees the same snapshot, taken before any of
      // them ran. So the subquery in `p`'s RETURNING still reads the project's old `deleted_at` (the timestamp
      // that marks what was deleted with it), although `p` itself has just set it to null; the levels below match
      // that timestamp. Each level finds its rows through the ids the level above returned. PostgreSQL runs every
      // data-modifying CTE to completion whether or not the final select reads it, so `x` needs no reference there.
      const rows = await sql<{ n: number }>(tx, {
        text: `with p as (update catalog.projects set deleted_at = null where id = $1 and deleted_at is not null
                    returning id, (select deleted_at from catalog.projects where id = $1) as at),
         s as (update catalog.seasons set deleted_at = null where project_id in (select id from p) and deleted_at = (select at from p) returning id),
         e as (update catalog.events set deleted_at = null where season_id in (select id from s) and deleted_at = (select at from p) returning id),
         x as (update catalog.episodes set deleted_at = null where event_id in (select id from e) and deleted_at = (select at from p) returning id)
         select (select count(*) from p)::int as n`,
        values: [id],
      });
      if (rows[0]?.n !== 1) throw new NotFoundError('Project', { id, deleted: true });
    });
  }

  private async newProject(em: EntityManager, input: ProjectInput) {
    const data = {
      code: input.code,
      name: input.name,
      description: input.description ?? null,
      nasBasePath: input.nasBasePath ?? null,
      isActive: input.isActive ?? true,
    };
    validateEntity(em.getMetadata(Project), data);
    if (await em.findOne(Project, { code: data.code }, { fields: ['id'], disableIdentityMap: true })) {
      throw new UniqueViolationError('Project', ['code'], 'ix_projects_code');
    }
    return em.create(Project, data);
  }

  private newSeason(em: EntityManager, projectId: string, input: SeasonInput) {
    const season = em.create(Season, {
      project: em.getReference(Project, projectId),
      year: input.year,
      name: input.name ?? `${input.year} Season`,
      location: input.location ?? null,
      startDate: input.startDate ?? null,
      endDate: input.endDate ?? null,
    });
    for (const e of input.events ?? []) {
      const event = em.create(Event, {
        season,
        eventNumber: e.eventNumber,
        name: e.name,
        eventType: e.eventType ?? null,
        gameType: e.gameType ?? null,
        buyIn: e.buyIn ?? null,
        currency: e.currency ?? 'USD',
        prizePool: e.prizePool ?? null,
        entries: e.entries ?? null,
        startDate: e.startDate ?? null,
        endDate: e.endDate ?? null,
      });
      for (const x of e.episodes ?? []) {
        em.create(Episode, {
          event,
          episodeNumber: x.episodeNumber,
          title: x.title,
          description: x.description ?? null,
          dayLabel: x.dayLabel ?? null,
          airDate: x.airDate ?? null,
          durationSeconds: x.durationSeconds ?? null,
          isPublished: x.isPublished ?? false,
        });
      }
    }
    return season;
  }
}

/** The typed error for a failed season: the kernel's, or MikroORM's own input validation, wrapped. */
function asTypedError(error: unknown, em: EntityManager): TesseraError {
  const translated = translateDbError(error, em.getMetadata());
  if (translated instanceof TesseraError) return translated;
  if (error instanceof OrmValidationError) {
    return new TesseraError('INVALID_INPUT', (error as Error).message, { cause: error });
  }
  throw error;
}

// Read consistency per method (callers override with withConsistency); writes read the primary.
declareConsistency(CatalogRepository, {
  reads: { listProjects: 'read-your-writes', projectSummaries: 'read-your-writes', findByCode: 'read-your-writes' },
  writes: ['createProject', 'createCatalogTree', 'softDeleteProject', 'restoreProject'],
  internal: ['newProject', 'newSeason'],
});
