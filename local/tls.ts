/**
 * A certificate for 127.0.0.1, made once per run with openssl: the playback domain,
 * the SPEKE URL and the license server are https on AWS and PallyCon, the page only
 * plays from its own origin, and the convert function refuses a SPEKE URL that is not
 * https. Browsers warn about it once; the stand-ins that call these servers trust it.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";

export interface LocalCertificate {
  readonly key: string;
  readonly cert: string;
}

export function makeLocalCertificate(): LocalCertificate {
  const folder = mkdtempSync(path.join(tmpdir(), "vod-preview-tls-"));
  try {
    const key = path.join(folder, "key.pem");
    const cert = path.join(folder, "cert.pem");
    execFileSync(
      "openssl",
      [
        ...["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1"],
        ...["-nodes", "-days", "7", "-keyout", key, "-out", cert],
        ...["-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost"],
      ],
      { stdio: "ignore" },
    );
    return { key: readFileSync(key, "utf8"), cert: readFileSync(cert, "utf8") };
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
}
