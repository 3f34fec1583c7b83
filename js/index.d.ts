/** A store with the Workers KV shape. A Workers KV namespace fits as it is. */
export interface KeyValueStore {
  get(key: string): Promise<string | null> | string | null;
  put(key: string, value: string, options?: unknown): Promise<void> | void;
  delete(key: string): Promise<void> | void;
  /**
   * Optional: stores `value` only if `key` has none, as one atomic step, and resolves to
   * whether it stored. With it, two registrations of one name can never both succeed;
   * without it (Workers KV), see the README's limits.
   */
  putIfAbsent?(key: string, value: string): Promise<boolean> | boolean;
}

/** A JSON Web Key (RFC 7517), as `jose`'s `exportJWK` produces. */
export interface JsonWebKey {
  kty: string;
  crv?: string;
  x?: string;
  y?: string;
  d?: string;
  kid?: string;
  alg?: string;
  use?: string;
  [parameter: string]: unknown;
}

/** An HMAC key of the key set. */
export interface HmacKeyConfig {
  /** Key id, written to the `kid` header of the tokens it signs. */
  kid: string;
  alg: 'HS256' | 'HS384' | 'HS512';
  /** UTF-8 secret of at least 32 (HS256), 48 (HS384) or 64 (HS512) bytes. */
  secret: string;
}

/** An Ed25519 or P-256 key of the key set: a private JWK signs, a public one verifies. */
export interface AsymmetricKeyConfig {
  kid: string;
  alg: 'EdDSA' | 'ES256';
  jwk: JsonWebKey;
}

export type KeyConfig = HmacKeyConfig | AsymmetricKeyConfig;

/** A JWK Set (RFC 7517, section 5). */
export interface JsonWebKeySet {
  keys: JsonWebKey[];
}

/**
 * Argon2id cost of new password hashes. It must meet one of OWASP's minimums
 * (m>=47104 KiB with t>=1, m>=19456 with t>=2, m>=12288 with t>=3, m>=9216 with t>=4,
 * or m>=7168 with t>=5) and stay under the ceiling (m<=65536, t<=16, p<=16,
 * m*t<=262144).
 */
export interface PasswordConfig {
  /** Memory in KiB. Default: 19456. */
  memoryKib?: number;
  /** Passes. Default: 2. */
  iterations?: number;
  /** Parallelism. Default: 1. */
  parallelism?: number;
}

/** Named costs: OWASP's five minimums and RFC 9106's 64 MiB option. */
export type PasswordPreset = 'owasp-46m' | 'owasp-19m' | 'owasp-12m' | 'owasp-9m' | 'owasp-7m' | 'rfc9106-64m';

/** Configuration of {@link Auth}. Give either `secret` or `keys`. */
export interface AuthConfig {
  /** Shorthand for one HS256 key: a UTF-8 secret of at least 32 bytes. */
  secret?: string;
  /** Key id for `secret`. Default: `"default"`. */
  keyId?: string;
  /** The key set; every key verifies, the signing key signs. */
  keys?: KeyConfig[];
  /** `kid` of the signing key. Default: the first key. */
  signingKeyId?: string;
  /** `iss` claim; when set, tokens must carry exactly this issuer. */
  issuer?: string;
  /** `aud` claim; when set, tokens must name this audience. */
  audience?: string;
  /** Access token lifetime in seconds. Default: 1800. */
  accessTokenTtl?: number;
  /** Clock skew tolerated on `exp` and `nbf`, in seconds. Default: 0. */
  leeway?: number;
  /** Maximum token length accepted, in bytes. Default: 8192. */
  maxTokenLength?: number;
  /**
   * Milliseconds a store call may take before it rejects with `repository_unavailable`.
   * Default: 10000.
   */
  storeTimeoutMs?: number;
  /** Argon2id cost of new hashes, or a preset name. Default: m=19456 KiB, t=2, p=1. */
  password?: PasswordConfig | PasswordPreset;
}

export interface PublicUser {
  id: string;
  username: string;
  email: string;
  is_active: boolean;
  /** RFC 3339, UTC. */
  created_at: string;
}

export interface RegisterRequest {
  username: string;
  email: string;
  password: string;
}

export interface LoginRequest {
  /** Username or email address. */
  username: string;
  password: string;
}

export interface LoginResponse {
  access_token: string;
  token_type: 'Bearer';
  /** Seconds until `access_token` expires. */
  expires_in: number;
  user: PublicUser;
}

export interface LogoutResponse {
  message: string;
}

/** RFC 7662 introspection response. An inactive token has only `active: false`. */
export interface IntrospectResponse {
  active: boolean;
  sub?: string;
  username?: string;
  exp?: number;
  iat?: number;
  iss?: string;
  aud?: string;
  jti?: string;
  token_type?: 'Bearer';
  user?: PublicUser;
}

/** Claims of a verified token. */
export interface VerifiedClaims {
  sub: string;
  exp: number;
  iat?: number;
  iss?: string;
  aud?: string;
  jti?: string;
}

/** Requests that {@link Auth.authenticateRequest} lets through without a token. */
export interface SkipRule {
  /** Exact paths, such as `/health`. */
  paths?: string[];
  /** Path prefixes, such as `/public/`. */
  prefixes?: string[];
  /** Methods, compared without case. Default: `["OPTIONS"]`. */
  methods?: string[];
}

/** A Fetch `Request`, or the parts of one that authentication reads. */
export type RequestLike =
  | Request
  | { method?: string; url?: string; path?: string; authorization?: string | null; headers?: Headers | Record<string, string> };

export type ErrorCodeValue =
  | 'validation_failed'
  | 'invalid_authorization_header'
  | 'invalid_credentials'
  | 'invalid_token'
  | 'token_expired'
  | 'not_authenticated'
  | 'user_inactive'
  | 'user_not_found'
  | 'user_exists'
  | 'repository_unavailable'
  | 'auth_service_unavailable'
  | 'invalid_config';

/** Every failure jwtlib reports. */
export class AuthError extends Error {
  constructor(code: ErrorCodeValue, message: string);
  readonly name: 'AuthError';
  readonly code: ErrorCodeValue;
}

export const ErrorCode: Readonly<{
  VALIDATION_FAILED: 'validation_failed';
  INVALID_AUTHORIZATION_HEADER: 'invalid_authorization_header';
  INVALID_CREDENTIALS: 'invalid_credentials';
  INVALID_TOKEN: 'invalid_token';
  TOKEN_EXPIRED: 'token_expired';
  NOT_AUTHENTICATED: 'not_authenticated';
  USER_INACTIVE: 'user_inactive';
  USER_NOT_FOUND: 'user_not_found';
  USER_EXISTS: 'user_exists';
  REPOSITORY_UNAVAILABLE: 'repository_unavailable';
  AUTH_SERVICE_UNAVAILABLE: 'auth_service_unavailable';
  INVALID_CONFIG: 'invalid_config';
}>;

/** Size of the wasm memory in bytes: the heap's high-water mark, since it never shrinks. */
export function wasmMemoryBytes(): number;

/** In-memory {@link KeyValueStore} for tests and local use. */
export class MemoryStore implements KeyValueStore {
  get(key: string): Promise<string | null>;
  put(key: string, value: string): Promise<void>;
  putIfAbsent(key: string, value: string): Promise<boolean>;
  delete(key: string): Promise<void>;
  readonly size: number;
}

/** The authentication service. Every method rejects with {@link AuthError}. */
export class Auth {
  /** @throws {AuthError} `invalid_config` when the configuration or store is invalid. */
  constructor(config: AuthConfig, store: KeyValueStore);
  /** Rejects with `validation_failed` or `user_exists`. */
  register(request: RegisterRequest): Promise<PublicUser>;
  /** Rejects with `invalid_credentials` or `user_inactive`. */
  login(request: LoginRequest): Promise<LoginResponse>;
  /** Stateless: never rejects for a token; the client discards it. */
  logout(token?: string): Promise<LogoutResponse>;
  /** Rejects with `invalid_token`, `token_expired`, `user_not_found` or `user_inactive`. */
  currentUser(token: string): Promise<PublicUser>;
  /** Never rejects for a bad token: resolves to `{ active: false }` instead. */
  introspect(token: string | { token: string; token_type_hint?: string }): Promise<IntrospectResponse>;
  /**
   * Signs a token for an existing, active user id without checking a password, for
   * sign-in flows that authenticate the user some other way. Rejects with
   * `user_not_found` or `user_inactive`.
   */
  issueToken(userId: string): Promise<LoginResponse>;
  /** Hashes a password under the configured policy into a PHC string. */
  hashPassword(password: string): Promise<string>;
  /** Checks a password against a PHC string; a malformed or too costly hash is `false`. */
  verifyPassword(password: string, hash: string): Promise<boolean>;
  /** Public keys of the asymmetric keys as a JWK Set; HMAC keys are never listed. */
  jwks(): JsonWebKeySet;
  /** Verifies a token without loading its user. */
  verifyToken(token: string): Promise<VerifiedClaims>;
  /**
   * Resolves the user of a request from its Authorization header, or `null` when `skip`
   * lets it through. Rejects with `not_authenticated`, `invalid_authorization_header`
   * and the errors of {@link Auth.currentUser}.
   */
  authenticateRequest(request: RequestLike, skip?: SkipRule): Promise<PublicUser | null>;
  /** Releases the wasm memory of this instance. */
  free(): void;
}
