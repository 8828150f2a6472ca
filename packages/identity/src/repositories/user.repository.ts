import {
  declareConsistency,
  flushOrDetach,
  idCursor,
  isUuid,
  NotFoundError,
  newId,
  pageLimit,
  Repository,
  sql,
  translated,
  ValidationError,
  validateEntity,
} from '@tessera/kernel';
import { type IRole, Role } from '../entities/role.entity.ts';
import { type IUser, User } from '../entities/user.entity.ts';
import { UserRole } from '../entities/user-role.entity.ts';
import {
  dummyHash,
  hashPassword,
  MAX_PASSWORD_LENGTH,
  MIN_PASSWORD_LENGTH,
  passwordMatches,
} from '../security/password.ts';

/** What `register` needs; `password` is optional because some users sign in elsewhere. */
export interface RegisterUserInput {
  email: string;
  username: string;
  /** Hashed with scrypt before it reaches the entity; the raw password is never stored. */
  password?: string;
  fullName?: string | null;
  department?: string | null;
  accessLevel?: number;
  isSuperuser?: boolean;
}

/** Options of {@link UserRepository.list}. */
export interface ListUsersOptions {
  /** Page size, 1 to {@link MAX_PAGE_SIZE}; default 50. */
  limit?: number;
  /** The `nextCursor` of the previous page; omit for the first page. */
  cursor?: string | null;
  isActive?: boolean;
}

/** One page of users, oldest first, and the cursor of the next page (null on the last page). */
export interface UserPage {
  items: IUser[];
  nextCursor: string | null;
}

/** The largest page {@link UserRepository.list} returns. */
export const MAX_PAGE_SIZE = 500;

/** A user's columns under their property names, for the hot reads that return plain rows. */
const USER_COLUMNS =
  'id, email, username, full_name as "fullName", hashed_password as "hashedPassword", department, ' +
  'access_level as "accessLevel", is_active as "isActive", is_superuser as "isSuperuser", ' +
  'last_login_at as "lastLoginAt", created_at as "createdAt", updated_at as "updatedAt"';

const USER_BY_EMAIL = `select ${USER_COLUMNS} from identity.users where email = $1`;
const USER_BY_USERNAME = `select ${USER_COLUMNS} from identity.users where username = $1`;
const USER_BY_ID = `select ${USER_COLUMNS} from identity.users where id = $1`;

const INSERT_USER =
  'insert into identity.users (id, email, username, full_name, hashed_password, department, access_level, ' +
  `is_active, is_superuser) values ($1, $2, $3, $4, $5, $6, $7, $8, $9) returning ${USER_COLUMNS}`;

type UserRow = Omit<IUser, 'createdAt' | 'updatedAt' | 'lastLoginAt'> & {
  createdAt: string | Date;
  updatedAt: string | Date;
  lastLoginAt: string | Date | null;
};

/**
 * A row as a plain user: timestamps parsed (MikroORM's pool leaves them as text), and the password hash kept but
 * not enumerable, so serializing the user leaves it out, as the entity's `hidden` does.
 */
function plainUser(row: UserRow | undefined): IUser | null {
  if (!row) return null;
  const user = row as unknown as IUser;
  user.createdAt = new Date(row.createdAt);
  user.updatedAt = new Date(row.updatedAt);
  user.lastLoginAt = row.lastLoginAt === null ? null : new Date(row.lastLoginAt);
  Object.defineProperty(user, 'hashedPassword', { value: row.hashedPassword, enumerable: false, writable: true });
  return user;
}

/**
 * Users, their passwords and their roles. The lookups are hot reads: one named prepared statement, a plain typed
 * user (not attached to the EntityManager; the password hash is there but not enumerable). Registration is one
 * `INSERT … RETURNING` and returns the same plain user; the other writes flush the EntityManager they were given.
 */
export class UserRepository extends Repository {
  /**
   * Registers a user. The e-mail is trimmed and lower-cased, the username trimmed, and the password
   * hashed. Bad input is a typed field error before any write; a taken e-mail or username is the
   * UniqueViolationError naming the field, translated from the unique constraint (one round trip, no SELECT first).
   */
  async register(input: RegisterUserInput): Promise<IUser> {
    const data = {
      email: typeof input.email === 'string' ? input.email.trim().toLowerCase() : input.email,
      username: typeof input.username === 'string' ? input.username.trim() : input.username,
      fullName: input.fullName ?? null,
      department: input.department ?? null,
      accessLevel: input.accessLevel ?? 1,
      isActive: true,
      isSuperuser: input.isSuperuser ?? false,
      hashedPassword: null,
    };
    validateEntity(this.em.getMetadata(User), data);
    if (input.password !== undefined) checkPassword(input.password);

    const hashedPassword = input.password === undefined ? null : await hashPassword(input.password);
    const [row] = await sql<UserRow>(this.em, {
      name: 'identity.users.insert',
      entity: User,
      text: INSERT_USER,
      values: [
        newId(),
        data.email,
        data.username,
        data.fullName,
        hashedPassword,
        data.department,
        data.accessLevel,
        data.isActive,
        data.isSuperuser,
      ],
    });
    // A plain user like the reads return (no hydration into the unit of work): an entity that should point at it
    // takes `em.getReference(User, user.id)`.
    return plainUser(row as UserRow) as IUser;
  }

  /** The user with this e-mail (matched case-insensitively, as stored), or null. */
  async findByEmail(email: string): Promise<IUser | null> {
    if (typeof email !== 'string') return null;
    const rows = await sql<UserRow>(this.em, {
      name: 'identity.users.by_email',
      text: USER_BY_EMAIL,
      values: [email.trim().toLowerCase()],
    });
    return plainUser(rows[0]);
  }

  /** The user with this username, or null. */
  async findByUsername(username: string): Promise<IUser | null> {
    if (typeof username !== 'string') return null;
    const rows = await sql<UserRow>(this.em, {
      name: 'identity.users.by_username',
      text: USER_BY_USERNAME,
      values: [username.trim()],
    });
    return plainUser(rows[0]);
  }

  /** The user with this id (a plain user, see the class comment); throws NotFoundError when there is none. */
  async getById(id: string): Promise<IUser> {
    const rows = isUuid(id)
      ? await sql<UserRow>(this.em, {
          name: 'identity.users.by_id',
          text: USER_BY_ID,
          values: [id],
        })
      : [];
    const user = plainUser(rows[0]);
    if (!user) throw new NotFoundError('User', { id });
    return user;
  }

  /** The managed entity, for the writes that change it through the unit of work. */
  async #managed(id: string): Promise<IUser> {
    const user = isUuid(id) ? await this.em.findOne(User, { id }) : null;
    if (!user) throw new NotFoundError('User', { id });
    return user;
  }

  /**
   * Keyset pagination in id order. Ids are UUIDv7, so id order is creation order (to the millisecond;
   * within one millisecond it is arbitrary but fixed). A page costs the same at any depth, and rows
   * inserted while a client pages never shift or repeat items, as they would with offsets. No total:
   * a count(*) per page would cost more than the page.
   */
  async list(options: ListUsersOptions = {}): Promise<UserPage> {
    const limit = pageLimit('User', options.limit, { max: MAX_PAGE_SIZE, default: 50 });
    const cursor = idCursor('User', options.cursor);
    const where = {
      ...(cursor ? { id: { $gt: cursor } } : {}),
      ...(options.isActive === undefined ? {} : { isActive: options.isActive }),
    };
    // One row more than the page tells whether there is a next page without a count(*).
    const rows = await this.em.find(User, where, { orderBy: { id: 'asc' }, limit: limit + 1 });
    const items = rows.slice(0, limit);
    const last = items.at(-1);
    return { items, nextCursor: rows.length > limit && last ? last.id : null };
  }

  /** Marks the user inactive: its tokens stop verifying and it can no longer sign in. Idempotent. */
  async deactivate(id: string): Promise<IUser> {
    const user = await this.#managed(id);
    user.isActive = false;
    await flushOrDetach(this.em, [user]);
    return user;
  }

  /** Deletes the user; the database cascades to its tokens and role grants. Returns false when absent. */
  async delete(id: string): Promise<boolean> {
    if (!isUuid(id)) return false;
    const count = await translated(this.em, () => this.em.nativeDelete(User, { id }));
    // The rows are gone. Cached copies of the user and of what referenced it (tokens, grants) must leave
    // the identity map, or a later flush would cascade-persist the deleted user back into existence.
    // Referrers go first: detaching the user would otherwise null their `user`, which is a change to flush.
    const uow = this.em.getUnitOfWork();
    for (const entity of [...uow.getIdentityMap()]) {
      if ((entity as { user?: { id?: unknown } }).user?.id === id) uow.unsetIdentity(entity);
    }
    const cached = uow.getById(User, id);
    if (cached) uow.unsetIdentity(cached);
    return count > 0;
  }

  /**
   * Grants roles by name. Every role must exist (a typo must not silently create a role), else
   * NotFoundError naming it. Granting a role the user already has is a no-op, also under concurrency.
   */
  async assignRoles(userId: string, roleNames: readonly string[]): Promise<IRole[]> {
    const user = await this.getById(userId);
    const names = [...new Set(roleNames.map((n) => n.trim()))];
    const roles = names.length === 0 ? [] : await this.em.find(Role, { name: { $in: names } });
    const missing = names.find((n) => !roles.some((r) => r.name === n));
    if (missing !== undefined) throw new NotFoundError('Role', { name: missing });
    if (roles.length > 0) {
      const rows = roles.map((role) => ({ user: user.id, role: role.id, grantedAt: new Date() }));
      // ON CONFLICT DO NOTHING keeps the first grant (and its granted_at) when two callers race.
      await translated(this.em, () =>
        this.em.createQueryBuilder(UserRole).insert(rows).onConflict(['user', 'role']).ignore().execute(),
      );
    }
    return this.rolesOf(userId);
  }

  /** Withdraws roles by name; names the user does not have are ignored. Returns how many were withdrawn. */
  async revokeRoles(userId: string, roleNames: readonly string[]): Promise<number> {
    const names = roleNames.map((n) => n.trim());
    if (names.length === 0 || !isUuid(userId)) return 0;
    const roles = await this.em.find(Role, { name: { $in: names } }, { fields: ['id'] });
    if (roles.length === 0) return 0;
    return translated(this.em, () =>
      this.em.nativeDelete(UserRole, { user: userId, role: { $in: roles.map((r) => r.id) } }),
    );
  }

  /** The roles of a user, by name. Throws NotFoundError for an unknown user (an empty list means "no roles"). */
  async rolesOf(userId: string): Promise<IRole[]> {
    await this.getById(userId);
    const grants = await this.em.find(
      UserRole,
      { user: userId },
      { populate: ['role'], orderBy: { role: { name: 'asc' } } },
    );
    return grants.map((g) => g.role);
  }

  /**
   * The active user with this e-mail and password, or null. Unknown e-mail, no password, wrong password
   * and inactive user all give null and take about as long, so the answer does not reveal which it was.
   */
  async verifyPassword(email: string, password: string): Promise<IUser | null> {
    const user = await this.findByEmail(email);
    const stored = user?.hashedPassword ?? (await dummyHash());
    const matches = await passwordMatches(password, stored);
    return matches && user?.hashedPassword && user.isActive ? user : null;
  }

  /** Records a successful sign-in in `last_login_at`. */
  async recordLogin(id: string, at: Date = new Date()): Promise<IUser> {
    const user = await this.#managed(id);
    user.lastLoginAt = at;
    await flushOrDetach(this.em, [user]);
    return user;
  }
}

function checkPassword(password: string): void {
  if (typeof password !== 'string' || password.length < MIN_PASSWORD_LENGTH) {
    throw new ValidationError('User', 'password', `must be at least ${MIN_PASSWORD_LENGTH} characters`);
  }
  if (password.length > MAX_PASSWORD_LENGTH) {
    throw new ValidationError('User', 'password', `must be at most ${MAX_PASSWORD_LENGTH} characters`);
  }
}

// Read consistency per method (callers override with withConsistency). Sign-in checks read the primary: a deactivation or password change must take effect at once.
declareConsistency(UserRepository, {
  reads: {
    findByEmail: 'read-your-writes',
    findByUsername: 'read-your-writes',
    getById: 'read-your-writes',
    list: 'read-your-writes',
    rolesOf: 'read-your-writes',
    verifyPassword: 'primary',
  },
  writes: ['register', 'deactivate', 'delete', 'assignRoles', 'revokeRoles', 'recordLogin'],
});
