// Where the tests' Postgres and Redis are: the URLs given in the environment, else the local servers,
// else (when Docker is present) throwaway containers started by testcontainers.
import { connect } from 'node:net';
import { execFileSync } from 'node:child_process';

export interface Infrastructure {
  /** A connection URL to a maintenance database, used to create and drop per-file databases. */
  postgresAdminUrl: string;
  redisUrl: string;
}

const LOCAL_POSTGRES = 'postgres://postgres@127.0.0.1:5432/postgres';
const LOCAL_REDIS = 'redis://127.0.0.1:6379';

function reachable(url: string): Promise<boolean> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const socket = connect({ host: hostname, port: Number(port) });
    socket.setTimeout(1000);
    socket.once('connect', () => { socket.destroy(); resolve(true); });
    socket.once('error', () => resolve(false));
    socket.once('timeout', () => { socket.destroy(); resolve(false); });
  });
}

function dockerAvailable(): boolean {
  try {
    execFileSync('docker', ['info'], { stdio: 'ignore', timeout: 5000 });
    return true;
  } catch {
    return false;
  }
}

let resolved: Promise<Infrastructure> | undefined;

export function infrastructure(): Promise<Infrastructure> {
  resolved ??= locate();
  return resolved;
}

async function locate(): Promise<Infrastructure> {
  const givenPostgres = process.env.TEST_DATABASE_URL;
  const givenRedis = process.env.TEST_REDIS_URL;
  if (givenPostgres && givenRedis) return { postgresAdminUrl: givenPostgres, redisUrl: givenRedis };

  const postgresAdminUrl = givenPostgres ?? LOCAL_POSTGRES;
  const redisUrl = givenRedis ?? LOCAL_REDIS;
  const [pgUp, redisUp] = await Promise.all([reachable(postgresAdminUrl), reachable(redisUrl)]);
  if (pgUp && redisUp) return { postgresAdminUrl, redisUrl };
  if (dockerAvailable()) return startContainers();
  throw new Error(
    `Tests need Postgres at ${postgresAdminUrl} (${pgUp ? 'up' : 'down'}) and Redis at ${redisUrl} (${redisUp ? 'up' : 'down'}). ` +
    'Start them, set TEST_DATABASE_URL and TEST_REDIS_URL, or install Docker for testcontainers.',
  );
}

async function startContainers(): Promise<Infrastructure> {
  const [{ PostgreSqlContainer }, { RedisContainer }] = await Promise.all([
    import('@testcontainers/postgresql'),
    import('@testcontainers/redis'),
  ]);
  const [postgres, redis] = await Promise.all([
    new PostgreSqlContainer('postgres:17-alpine').start(),
    new RedisContainer('redis:7-alpine').start(),
  ]);
  return { postgresAdminUrl: postgres.getConnectionUri(), redisUrl: redis.getConnectionUrl() };
}
