// Users, as the admin sees them. Creating one with an email that is taken is a conflict, not a 500.
import {
  ConflictError, newId, type CreateUserBody, type Db, type ListUsersQuery, type User, type UserObject,
} from '@sora-studio/shared';
import { listPage, unixSeconds, type ListPage } from '../pagination.ts';
import { insertUser, listUsers } from './user.repo.ts';

const UNIQUE_VIOLATION = '23505';

export function toUserObject(user: User): UserObject {
  return {
    id: user.id,
    object: 'user',
    name: user.name,
    email: user.email,
    role: user.role,
    created_at: unixSeconds(user.createdAt),
    disabled_at: unixSeconds(user.disabledAt),
  };
}

export function createUserService(deps: { db: Db }) {
  return {
    async create(body: CreateUserBody): Promise<UserObject> {
      try {
        const user = await insertUser(deps.db, { id: newId('user'), name: body.name, email: body.email ?? null, role: body.role });
        return toUserObject(user);
      } catch (error) {
        if ((error as { code?: string }).code === UNIQUE_VIOLATION) {
          throw new ConflictError(`A user with email '${body.email}' already exists.`, { param: 'email', code: 'email_taken' });
        }
        throw error;
      }
    },

    async list(query: ListUsersQuery): Promise<ListPage<UserObject>> {
      const rows = await listUsers(deps.db, query);
      return listPage(rows, query.limit, toUserObject);
    },
  };
}

export type UserService = ReturnType<typeof createUserService>;
