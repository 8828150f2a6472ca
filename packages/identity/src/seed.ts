import { type Seeder, type SeedReport, tally } from '@tessera/kernel';
import { User } from './index.ts';
import { userFactory } from './testing.ts';

/** The sample users: an administrator (access level 3), an engineer (2) and an intern (1). */
export const SAMPLE_USERS = [
  { email: 'admin@company.com', username: 'admin', fullName: 'Admin User', department: 'Management', accessLevel: 3 },
  {
    email: 'engineer@company.com',
    username: 'engineer',
    fullName: 'Engineer User',
    department: 'Engineering',
    accessLevel: 2,
  },
  {
    email: 'intern@company.com',
    username: 'intern',
    fullName: 'Intern User',
    department: 'Engineering',
    accessLevel: 1,
  },
] as const;

/** The departments demo users and documents are spread over. */
export const DEMO_DEPARTMENTS = ['Engineering', 'Management', 'Sales', 'Support', 'Finance'] as const;

/** Demo users per unit of `--scale`. */
export const DEMO_USERS_PER_SCALE = 10;

/** The e-mail of demo user `i`: the natural key that makes re-seeding a no-op. */
export const demoUserEmail = (i: number) => `demo.user.${String(i).padStart(5, '0')}@example.com`;

/** The three sample users and `10 × scale` demo users, found again by e-mail on the next run. */
export const identitySeeder: Seeder = {
  async run({ em, scale }) {
    const wanted = [
      ...SAMPLE_USERS,
      ...Array.from({ length: DEMO_USERS_PER_SCALE * scale }, (_, i) => ({
        email: demoUserEmail(i),
        username: `demo.user.${String(i).padStart(5, '0')}`,
        fullName: `Demo User ${i}`,
        department: DEMO_DEPARTMENTS[i % DEMO_DEPARTMENTS.length] as string,
        accessLevel: (i % 3) + 1,
      })),
    ];
    const existing = new Set(
      (await em.find(User, { email: { $in: wanted.map((u) => u.email) } }, { fields: ['email'] })).map((u) => u.email),
    );
    const missing = wanted.filter((u) => !existing.has(u.email));
    for (const user of missing) await userFactory(em, { ...user });
    const report: SeedReport = {};
    tally(report, 'users', missing.length, existing.size);
    return report;
  },
};

/** The context's seeder, as its `seed` loader hands it to the platform. */
export { identitySeeder as seeder };
