import { AuditLogRepository, EventRepository } from '@tessera/audit';
import { CatalogRepository, SearchRepository as CatalogSearchRepository, HandClipRepository } from '@tessera/catalog';
import { ExecutionRepository, ExecutionStatsRepository, StepRepository } from '@tessera/executions';
import { RoleRepository, TokenRepository, UserRepository } from '@tessera/identity';
import { CONSISTENCIES, consistencyOf } from '@tessera/kernel';
import { DocumentRepository, SearchRepository as KnowledgeSearchRepository } from '@tessera/knowledge';
import { NasRepository } from '@tessera/nas';
import { AgentRepository, WorkflowRepository } from '@tessera/workflows';
import { describe, expect, it } from 'vitest';

// Every repository of every context. A new repository or method without a declared consistency fails here.
const repositories = {
  AuditLogRepository,
  EventRepository,
  CatalogRepository,
  HandClipRepository,
  CatalogSearchRepository,
  ExecutionRepository,
  ExecutionStatsRepository,
  StepRepository,
  RoleRepository,
  TokenRepository,
  UserRepository,
  DocumentRepository,
  KnowledgeSearchRepository,
  NasRepository,
  AgentRepository,
  WorkflowRepository,
};

describe('read consistency of every repository', () => {
  for (const [name, repository] of Object.entries(repositories)) {
    it(`${name}: every method is a read with a consistency, a write, or an internal helper`, () => {
      const declared = consistencyOf(repository);
      expect(declared, `${name} has no declareConsistency`).toBeDefined();
      // Methods only: an accessor (the acting EntityManager, say) is neither a read nor a write.
      const methods = Object.getOwnPropertyNames(repository.prototype).filter(
        (m) =>
          m !== 'constructor' && typeof Object.getOwnPropertyDescriptor(repository.prototype, m)?.value === 'function',
      );
      const reads = Object.entries(declared?.reads ?? {});
      const writes = [...(declared?.writes ?? []), ...(declared?.internal ?? [])];
      const undeclared = methods.filter((m) => !writes.includes(m) && !reads.some(([r]) => r === m));
      expect(undeclared).toEqual([]);
      for (const [, consistency] of reads) expect(CONSISTENCIES).toContain(consistency);
    });
  }
});
