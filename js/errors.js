/**
 * The error class of every failure jwtlib reports, with a stable `code`.
 */
export class AuthError extends Error {
  /**
   * @param {string} code stable snake_case code, such as `invalid_credentials`
   * @param {string} message safe, human-readable message
   */
  constructor(code, message) {
    super(message);
    this.name = 'AuthError';
    this.code = code;
  }
}

/** Every error code, by name. */
export const ErrorCode = Object.freeze({
  VALIDATION_FAILED: 'validation_failed',
  INVALID_AUTHORIZATION_HEADER: 'invalid_authorization_header',
  INVALID_CREDENTIALS: 'invalid_credentials',
  INVALID_TOKEN: 'invalid_token',
  TOKEN_EXPIRED: 'token_expired',
  NOT_AUTHENTICATED: 'not_authenticated',
  USER_INACTIVE: 'user_inactive',
  USER_NOT_FOUND: 'user_not_found',
  USER_EXISTS: 'user_exists',
  REPOSITORY_UNAVAILABLE: 'repository_unavailable',
  AUTH_SERVICE_UNAVAILABLE: 'auth_service_unavailable',
  INVALID_CONFIG: 'invalid_config',
});

/**
 * Converts an error thrown by the wasm core (an `Error` named `AuthError` with a
 * `code`) into an `AuthError`. Anything else is returned unchanged.
 * @param {unknown} error
 */
export function toAuthError(error) {
  if (error instanceof AuthError) return error;
  if (error instanceof Error && error.name === 'AuthError' && typeof error.code === 'string') {
    return new AuthError(error.code, error.message);
  }
  return error;
}
