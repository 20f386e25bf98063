"use client";
import { useQuery, useQueryClient } from "@tanstack/react-query";
import Link from "next/link";
import { useRoom } from "../_lib/socket";
import { useTRPC } from "../_lib/trpc";

/** Across every page while an incident or a spent error budget freezes progressive delivery. */
export function FreezeBanner() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const freeze = useQuery(trpc.incidents.freeze.queryOptions());
  const refresh = () => {
    queryClient.invalidateQueries({ queryKey: trpc.incidents.freeze.queryKey() });
    queryClient.invalidateQueries({ queryKey: trpc.incidents.list.queryKey() });
    queryClient.invalidateQueries({ queryKey: trpc.incidents.freezeHistory.queryKey() });
    queryClient.invalidateQueries({ queryKey: trpc.rollouts.byId.queryKey() });
  };
  useRoom("overview", { "freeze.changed": refresh, resync: refresh });
  const incidents = freeze.data?.incidents ?? [];
  const budgets = freeze.data?.exhaustedBudgets ?? [];
  if (incidents.length === 0 && budgets.length === 0) return null;
  const causes = [
    ...incidents.map(
      (i) =>
        `incident ${i.id} (${i.severity}, ${i.services === "*" ? "all services" : i.services.join(", ")})`,
    ),
    ...budgets.map((b) => `${b.serviceId}'s ${b.slo} error budget in ${b.environment} is spent`),
  ];
  return (
    <div className="banner" role="status" data-testid="freeze-banner">
      Frozen: {causes.join("; ")} — no starts, advances, approvals or resumes; pause and kill still work.{" "}
      <Link href="/incidents">Incidents</Link>
    </div>
  );
}
