"use client";
import { useQuery } from "@tanstack/react-query";
import { useTRPC } from "../_lib/trpc";
import styles from "./audit.module.css";

/** The verification of the whole chain, shown first: it is what makes the history trustworthy. */
export function ChainStatus() {
  const trpc = useTRPC();
  const verify = useQuery(trpc.audit.verify.queryOptions(undefined, { refetchOnWindowFocus: false }));
  const report = verify.data;
  const result = report?.result;
  const tone = result ? (result.ok ? styles.intact : styles.broken) : "";
  return (
    <section
      className={`card ${styles.chain} ${tone}`}
      aria-labelledby="chain-title"
      data-testid="chain-status"
    >
      <div role="status" aria-live="polite">
        <h2 id="chain-title">Chain verification</h2>
        {verify.isPending ? <p className={styles.verdict}>Verifying the audit chain…</p> : null}
        {verify.error ? (
          <p role="alert" className="error">
            Could not verify: {verify.error.message}
          </p>
        ) : null}
        {result?.ok ? (
          <>
            <p className={styles.verdict}>
              <span aria-hidden="true">✓ </span>Chain intact, {result.checked} events
            </p>
            {result.unchained > 0 ? (
              <p className="muted">{result.unchained} older events predate the chain and are not covered.</p>
            ) : null}
            {result.head ? (
              <p className="muted">
                Head #{result.head.id} <span className={styles.hash}>{result.head.hash}</span>
              </p>
            ) : null}
          </>
        ) : null}
        {result && !result.ok ? (
          <>
            <p className={`${styles.verdict} error`}>
              <span aria-hidden="true">✗ </span>Chain broken at event #{result.broken.id}:{" "}
              {result.broken.kind}
            </p>
            <p>{result.broken.message}</p>
            <p className="muted">{result.checked} events before it verified.</p>
          </>
        ) : null}
        {report ? <p className="muted">Checked {report.verifiedAt.toLocaleString()}</p> : null}
      </div>
      <button
        type="button"
        className="secondary"
        onClick={() => verify.refetch()}
        disabled={verify.isFetching}
      >
        {verify.isFetching ? "Verifying…" : "Verify again"}
      </button>
    </section>
  );
}
