import { randomUUID } from "node:crypto";
import type { IncidentJson } from "../api-types";
import { usageError } from "../cli-error";
import type { Command } from "../command";
import { EXIT } from "../exit-codes";
import { listOption, stringOption } from "../options";

const incidentLine = (i: IncidentJson) =>
  `incident ${i.externalId ?? i.id} ${i.active ? "active" : "resolved"} (${i.severity}) "${i.title}": ` +
  (i.active ? `freezes ${i.services.join(", ")}` : "freeze lifted");

export const incidentDeclareCommand: Command = {
  name: "incident declare",
  summary: "Declare an incident: its services are frozen until it is resolved",
  args: [],
  options: {
    severity: { type: "string", value: "<sev>", description: "Severity, e.g. sev1 (required)" },
    service: {
      type: "string",
      multiple: true,
      value: "<name>",
      description: "A frozen service (repeat for more; '*' freezes every service; required)",
    },
    title: { type: "string", value: "<text>", description: "What is happening" },
    id: {
      type: "string",
      value: "<id>",
      description: "Your incident tool's id (default: a new one, printed); repeats update one incident",
    },
  },
  async run({ values, out, api }) {
    const severity = stringOption(values, "severity");
    const services = listOption(values, "service");
    if (!severity) throw usageError("--severity: required, e.g. --severity sev1");
    if (services.length === 0) throw usageError("--service: name at least one service, or '*' for all");
    const id = stringOption(values, "id") ?? `cli-${randomUUID()}`;
    const title = stringOption(values, "title");
    const incident = await api().post<IncidentJson>("/incidents", {
      id,
      title,
      severity,
      services,
      status: "active",
    });
    out.result(incident, () => incidentLine(incident));
    return EXIT.OK;
  },
};

export const incidentResolveCommand: Command = {
  name: "incident resolve",
  summary: "Resolve an incident (by the id it was declared with): its freeze is lifted",
  args: ["<id>"],
  async run({ args, out, api }) {
    const incident = await api().post<IncidentJson>("/incidents", { id: args[0], status: "resolved" });
    out.result(incident, () => incidentLine(incident));
    return EXIT.OK;
  },
};
