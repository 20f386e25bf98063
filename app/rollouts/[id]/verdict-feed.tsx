"use client";
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { ErrorAlert } from "../../_components/error-alert";
import { useRoom } from "../../_lib/socket";
import { useTRPC } from "../../_lib/trpc";
import { VERDICT_ICONS } from "./verdict-icons";

/** Each interval's judgement of the step, newest first, with every gate's explanation. Live. */
export function VerdictFeed({ rolloutId }: { rolloutId: string }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const verdicts = useQuery(trpc.rollouts.verdicts.queryOptions({ id: rolloutId }));
  const refresh = () =>
    queryClient.invalidateQueries({ queryKey: trpc.rollouts.verdicts.queryKey({ id: rolloutId }) });
  useRoom({ rolloutId }, { "verdict.recorded": refresh, resync: refresh });
  return (
    <section className="card" aria-labelledby="verdicts-title">
      <h2 id="verdicts-title">Gate verdicts</h2>
      <ErrorAlert error={verdicts.error} />
      {verdicts.data?.length === 0 ? (
        <p className="muted">No judgement yet: the gates wait for the first interval.</p>
      ) : null}
      <ol className="verdicts" data-testid="verdicts">
        {verdicts.data?.map((v) => (
          <li key={`${v.stepIndex}-${v.intervalEnd}`}>
            <div>
              <time dateTime={new Date(v.intervalEnd).toISOString()}>
                {new Date(v.intervalEnd).toLocaleTimeString()}
              </time>{" "}
              step {v.stepIndex + 1}: <strong>{v.decision}</strong>{" "}
              <span className="muted">— {v.reason}</span>
            </div>
            <ul>
              {v.gates.map((g) => (
                <li key={g.gate} className={`gate ${g.verdict}`}>
                  <span aria-hidden="true">{VERDICT_ICONS[g.verdict]}</span> <strong>{g.gate}</strong>{" "}
                  {g.verdict}
                  {g.critical ? "" : " (not critical)"}: <span className="muted">{g.detail}</span>
                </li>
              ))}
            </ul>
          </li>
        ))}
      </ol>
    </section>
  );
}
