import type { RequestObserver, RequestReport } from "./requestObserver.js";

/**
 * The observers of `guru start`'s requests (the operations metrics, the console's live view), told
 * in turn: one failing does not keep the others from hearing; its error is passed on afterwards.
 */
export class RequestObservers implements RequestObserver {
  private readonly observers: RequestObserver[] = [];

  add(observer: RequestObserver): void {
    this.observers.push(observer);
  }

  requestStarted(front: string): void {
    this.tellEach((observer) => observer.requestStarted(front));
  }

  requestEnded(report: RequestReport): void {
    this.tellEach((observer) => observer.requestEnded(report));
  }

  private tellEach(notify: (observer: RequestObserver) => void): void {
    const failures: unknown[] = [];
    for (const observer of this.observers) {
      try {
        notify(observer);
      } catch (error) {
        failures.push(error);
      }
    }
    if (failures.length > 0) throw failures[0];
  }
}
