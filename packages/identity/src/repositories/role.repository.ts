import { declareConsistency, flushOrDetach, Repository, UniqueViolationError, validateEntity } from '@tessera/kernel';
import { type IRole, Role } from '../entities/role.entity.ts';

/** What `create` needs. */
export interface CreateRoleInput {
  name: string;
  description?: string | null;
}

/** Roles. They are created explicitly: granting an unknown role fails instead of creating it. */
export class RoleRepository extends Repository {
  /** Creates a role; the name is trimmed. A taken name is a UniqueViolationError on `name`, before any write. */
  async create(input: CreateRoleInput): Promise<IRole> {
    const data = {
      name: typeof input.name === 'string' ? input.name.trim() : input.name,
      description: input.description ?? null,
    };
    validateEntity(this.em.getMetadata(Role), data);
    const taken = await this.em.count(Role, { name: data.name });
    if (taken > 0) throw new UniqueViolationError('Role', ['name'], 'uq_roles_name');
    const role = this.em.create(Role, data);
    await flushOrDetach(this.em, [role]);
    return role;
  }

  /** The role with this name, or null. */
  async findByName(name: string): Promise<IRole | null> {
    return this.em.findOne(Role, { name: name.trim() });
  }

  /** Every role, by name (there are few). */
  async list(): Promise<IRole[]> {
    return this.em.find(Role, {}, { orderBy: { name: 'asc' } });
  }
}

// Read consistency per method (callers override with withConsistency); writes read the primary.
declareConsistency(RoleRepository, {
  reads: { findByName: 'read-your-writes', list: 'read-your-writes' },
  writes: ['create'],
});
