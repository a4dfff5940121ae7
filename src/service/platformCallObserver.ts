/**
 * Told of what a platform's API answered badly, for the operations front's metrics: each error
 * answer, retried or not (`code`: the platform's error code or `http_<status>`), and each time a
 * rate limit held a call back.
 */
export interface PlatformCallObserver {
  apiError(platform: string, code: string): void;
  rateLimited(platform: string): void;
}
