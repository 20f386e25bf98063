import type { ChannelKind, Notification } from "./notification";

/** The generic webhook's JSON: the notification itself, versioned so receivers can rely on its shape. */
export interface GenericBody extends Notification {
  schema: "sluice.notification/v1";
  text: string;
}

/** Slack's incoming-webhook shape (also read by Mattermost and others): fallback text plus Block Kit. */
export interface SlackBody {
  text: string;
  blocks: SlackBlock[];
}

type SlackText = { type: "plain_text" | "mrkdwn"; text: string };
type SlackBlock =
  | { type: "header"; text: SlackText }
  | { type: "section"; text: SlackText }
  | { type: "context"; elements: SlackText[] }
  | {
      type: "actions";
      elements: { type: "button"; text: SlackText; url: string; action_id: string }[];
    };

/** The body a channel of `kind` receives for `notification`. */
export function webhookBody(kind: ChannelKind, notification: Notification): GenericBody | SlackBody {
  switch (kind) {
    case "generic":
      return { schema: "sluice.notification/v1", ...notification, text: plainText(notification) };
    case "slack":
      return slackBody(notification);
  }
}

/** Everything a person needs in a few lines: what, why with the numbers, and the link. */
export function plainText(n: Notification): string {
  const lines = [n.title, n.what];
  if (n.why) lines.push(`Why: ${n.why}`);
  for (const g of n.gates) lines.push(`- ${g.gate}: ${g.detail}`);
  lines.push(n.link);
  return lines.join("\n");
}

// Slack's limits: header text 150 characters, section text 3000.
const HEADER_MAX = 150;
const SECTION_MAX = 3000;

function slackBody(n: Notification): SlackBody {
  const blocks: SlackBlock[] = [
    { type: "header", text: { type: "plain_text", text: clip(n.title, HEADER_MAX) } },
    { type: "section", text: { type: "mrkdwn", text: clip(mrkdwn(n.what), SECTION_MAX) } },
  ];
  if (n.why) {
    blocks.push({
      type: "section",
      text: { type: "mrkdwn", text: clip(`*Why:* ${mrkdwn(n.why)}`, SECTION_MAX) },
    });
  }
  if (n.gates.length > 0) {
    const lines = n.gates.map((g) => `• *${mrkdwn(g.gate)}* (${mrkdwn(g.verdict)}): ${mrkdwn(g.detail)}`);
    blocks.push({ type: "section", text: { type: "mrkdwn", text: clip(lines.join("\n"), SECTION_MAX) } });
  }
  blocks.push(
    { type: "context", elements: [{ type: "mrkdwn", text: `${mrkdwn(n.actor)} · ${n.at}` }] },
    {
      type: "actions",
      elements: [
        {
          type: "button",
          text: { type: "plain_text", text: n.link.includes("/rollouts/") ? "Open rollout" : "Open Sluice" },
          url: n.link,
          action_id: "open",
        },
      ],
    },
  );
  // The fallback text (notifications, screen readers) links with Slack's <url|label> syntax.
  const text = [
    `${mrkdwn(n.title)}: ${mrkdwn(n.what)}`,
    n.why ? `Why: ${mrkdwn(n.why)}` : "",
    `<${n.link}|Open>`,
  ]
    .filter(Boolean)
    .join("\n");
  return { text, blocks };
}

/** Slack's mrkdwn treats &, < and > as control characters. */
function mrkdwn(text: string): string {
  return text.replaceAll("&", "&amp;").replaceAll("<", "&lt;").replaceAll(">", "&gt;");
}

function clip(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}
