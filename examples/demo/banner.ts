// What the demo prints once it is up: where everything is, and commands to try. Every
// `curl` line works as printed (the npm start test runs them).
import type { ExampleName } from "./examples.js";

export interface BannerInput {
  readonly instance: number;
  readonly broker: { readonly bootstrap: string; readonly embedded: boolean };
  readonly web: string;
  readonly apis: ReadonlyMap<ExampleName, string>;
  readonly brokerPort: number;
  /** The token the demo made for its user (admin); undefined when EDDY_API_TOKENS configured them. */
  readonly token: string | undefined;
}

const JSON_HEADER = "-H 'content-type: application/json'";

/** The Authorization header of the Eddy API calls, as curl takes it. */
function authHeader(token: string | undefined): string {
  return token === undefined ? `-H "authorization: Bearer $EDDY_API_TOKEN"` : `-H 'authorization: Bearer ${token}'`;
}

export function curlLines(input: BannerInput): string[] {
  const { web, apis } = input;
  const auth = authHeader(input.token);
  const lines: string[] = [];
  const urlVisits = apis.get("url-visits");
  if (urlVisits !== undefined) {
    lines.push(
      "# URL shortener: follow a short link (a 302), then read its visit count",
      `curl -i ${web}/r/kstreams`,
      `curl ${auth} ${urlVisits}/stores/visit-counts/keys/kstreams`,
      `curl -X POST ${web}/links ${JSON_HEADER} -d '{"url":"https://github.com/","code":"gh"}'`,
    );
  }
  const bank = apis.get("bank");
  if (bank !== undefined) {
    lines.push(
      "# Bank: a command, then the account, a range query on balances, a holder's accounts",
      `curl -X POST ${auth} ${bank}/commands/account-commands ${JSON_HEADER} -d '{"type":"DepositFunds","accountId":"acc-1","amountCents":2500}'`,
      `curl -X POST ${auth} ${bank}/commands/account-commands ${JSON_HEADER} -d '{"type":"WithdrawFunds","accountId":"acc-2","amountCents":1000000}'`,
      `curl ${auth} ${bank}/stores/accounts/keys/acc-1`,
      `curl '${web}/bank/accounts?minBalanceCents=100000'`,
      `curl ${web}/bank/holders/Ada%20Lovelace/accounts`,
      `curl ${web}/bank/accounts/acc-1`,
    );
  }
  const orders = apis.get("orders");
  if (orders !== undefined) {
    lines.push(
      "# Orders: what the fulfilment team sees, a fulfilment, a shipment",
      `curl '${web}/orders?status=PAID'`,
      `curl -X POST ${auth} ${orders}/commands/order-commands ${JSON_HEADER} -d '{"type":"FulfillOrder","orderId":"o-1001","fulfilledBy":"Sam"}'`,
      `curl -X POST ${auth} ${orders}/commands/order-commands ${JSON_HEADER} -d '{"type":"ShipOrder","orderId":"o-1002","carrier":"Minions","trackingCode":"MN-1"}'`,
      `curl ${auth} ${orders}/stores/orders/keys/o-1002`,
    );
  }
  return lines;
}

export function banner(input: BannerInput): string {
  const width = Math.max(...[...input.apis.keys()].map((name) => name.length), 3);
  const out: string[] = [];
  out.push("", `Eddy demo, instance ${input.instance}: running.`, "");
  out.push(
    input.broker.embedded
      ? `  Kafka     ${input.broker.bootstrap}  (the embedded broker: for development and tests; production runs on Apache Kafka)`
      : `  Kafka     ${input.broker.bootstrap}`,
  );
  out.push(`  ${"web".padEnd(width)}     ${input.web}  (the examples' own routes; open it in a browser)`);
  for (const [name, url] of input.apis) {
    out.push(`  ${name.padEnd(width)}     ${url}  (Eddy API: ${url}/topology  ${url}/stores  ${url}/docs)`);
  }
  out.push(
    "",
    input.token === undefined
      ? "The Eddy APIs take the tokens of EDDY_API_TOKENS; the lines below send $EDDY_API_TOKEN."
      : "The Eddy APIs need a token (the examples' web routes have their own). Yours, for curl and the eddy command:",
  );
  if (input.token !== undefined) out.push("", `  export EDDY_API_TOKEN=${input.token}`);
  out.push("", "Try:", "");
  for (const line of curlLines(input)) out.push(line.startsWith("#") ? `  ${line}` : `  ${line}`);
  out.push("");
  if (input.instance === 1) {
    out.push(
      "A second instance (partitions move to it; queries to either instance are routed to the owner):",
      "",
      `  npm start -- --instance 2${input.brokerPort === 9092 ? "" : ` --broker-port ${input.brokerPort}`}`,
      "",
      `then curl ${authHeader(input.token)} ${input.apis.values().next().value ?? input.web}/metadata to see who runs which task.`,
    );
  }
  out.push("Ctrl-C stops everything.", "");
  return out.join("\n");
}
