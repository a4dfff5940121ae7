/**
 * Told of what a platform's API answered badly, for the operations front's metrics: calls that
 * failed for good (`code`: the platform's error code or `http_<status>`), and each time the
 * platform said to slow down.
 */
export interface PlatformCallObserver {
  apiError(platform: string, code: string): void;
  rateLimited(platform: string): void;
}
