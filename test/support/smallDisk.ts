import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export interface SmallDisk {
  readonly path: string;
  /** Takes every free byte, so the next write fails as on a full disk. */
  fill(): void;
  free(): void;
  unmount(): void;
}

let mountable: boolean | undefined;

/** A real full disk needs a small filesystem: a tmpfs, which only root may mount. */
export function canMountTmpfs(): boolean {
  if (mountable === undefined) {
    try {
      const disk = mountSmallDisk();
      disk.unmount();
      mountable = true;
    } catch {
      mountable = false;
    }
  }
  return mountable;
}

export function mountSmallDisk(sizeKiB = 4096): SmallDisk {
  const path = mkdtempSync(join(tmpdir(), "guru-small-disk-"));
  execFileSync("mount", ["-t", "tmpfs", "-o", `size=${sizeKiB}k`, "tmpfs", path], { stdio: "ignore" });
  const filler = join(path, "filler");
  return {
    path,
    fill: () => {
      const chunk = Buffer.alloc(64 * 1024);
      try {
        for (;;) writeFileSync(filler, chunk, { flag: "a" });
      } catch {
        // ENOSPC: the disk is full, as intended.
      }
    },
    free: () => rmSync(filler, { force: true }),
    unmount: () => {
      execFileSync("umount", [path], { stdio: "ignore" });
      rmSync(path, { recursive: true, force: true });
    },
  };
}
