// The Host header a request must carry, when apiAllowedHosts is set: a browser tricked
// by DNS rebinding sends the attacker's name, which is not on the list. Entries are
// names or addresses, with an optional port; a leading dot matches the name and every
// subdomain (".example.com").

interface HostEntry {
  readonly name: string;
  readonly port: string | undefined;
  readonly subdomains: boolean;
}

function split(hostPort: string): { name: string; port: string | undefined } {
  const text = hostPort.trim().toLowerCase();
  if (text.startsWith("[")) {
    const end = text.indexOf("]");
    const rest = end < 0 ? "" : text.slice(end + 1);
    return { name: text.slice(0, end + 1), port: rest.startsWith(":") ? rest.slice(1) : undefined };
  }
  const colon = text.lastIndexOf(":");
  // A bare IPv6 address has several colons and no port.
  if (colon < 0 || text.indexOf(":") !== colon) return { name: text, port: undefined };
  return { name: text.slice(0, colon), port: text.slice(colon + 1) };
}

export class HostAllowlist {
  readonly #entries: HostEntry[];

  constructor(hosts: readonly string[]) {
    this.#entries = hosts.map((host) => {
      const subdomains = host.startsWith(".");
      const { name, port } = split(subdomains ? host.slice(1) : host);
      return { name, port, subdomains };
    });
  }

  allows(hostHeader: string | undefined): boolean {
    if (hostHeader === undefined || hostHeader === "") return false;
    const { name, port } = split(hostHeader);
    return this.#entries.some(
      (entry) =>
        (entry.port === undefined || entry.port === port) &&
        (name === entry.name || (entry.subdomains && name.endsWith(`.${entry.name}`))),
    );
  }
}
