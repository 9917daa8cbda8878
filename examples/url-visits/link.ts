// Short links: a code names a target URL. Links are created (and disabled) by commands,
// so two requests for the same code cannot both win: the command handler decides them
// one at a time, in the partition of the code.
import { z } from "zod";
import { accept, reject } from "eddy-streams";
import type { Decision } from "eddy-streams";

export const shortCode = z
  .string()
  .regex(/^[A-Za-z0-9_-]{1,32}$/, { error: "must be 1 to 32 letters, digits, '_' or '-'" });

const targetUrl = z
  .string()
  .max(2048)
  .refine(
    (text) => {
      try {
        const url = new URL(text);
        return url.protocol === "http:" || url.protocol === "https:";
      } catch {
        return false;
      }
    },
    { error: "must be an absolute http:// or https:// URL" },
  );

export const CreateLink = z.strictObject({ type: z.literal("CreateLink"), code: shortCode, url: targetUrl });
export const DisableLink = z.strictObject({ type: z.literal("DisableLink"), code: shortCode });
export const LinkCommand = z.discriminatedUnion("type", [CreateLink, DisableLink]);
export type LinkCommand = z.infer<typeof LinkCommand>;

export type LinkEvent =
  { type: "LinkCreated"; code: string; url: string; at: number } | { type: "LinkDisabled"; code: string; at: number };

export interface Link {
  code: string;
  url: string;
  createdAt: number;
  disabledAt: number | null;
}

/** A redirect, as recorded on the visits topic (keyed by short code). */
export interface Visit {
  at: number;
  userAgent: string | null;
  referrer: string | null;
}

export const Rejections = {
  CODE_TAKEN: "CODE_TAKEN",
  LINK_NOT_FOUND: "LINK_NOT_FOUND",
  LINK_DISABLED: "LINK_DISABLED",
  KEY_MISMATCH: "KEY_MISMATCH",
} as const;

export function decide(link: Link | null, command: LinkCommand, key: string, at: number): Decision<LinkEvent, Link> {
  if (command.code !== key)
    return reject(Rejections.KEY_MISMATCH, `The command is keyed ${key} but names code ${command.code}`);
  switch (command.type) {
    case "CreateLink": {
      if (link !== null) return reject(Rejections.CODE_TAKEN, `The code ${command.code} is taken`);
      const event: LinkEvent = { type: "LinkCreated", code: command.code, url: command.url, at };
      return accept([event], { code: command.code, url: command.url, createdAt: at, disabledAt: null });
    }
    case "DisableLink":
      if (link === null) return reject(Rejections.LINK_NOT_FOUND, `There is no link ${command.code}`);
      if (link.disabledAt !== null)
        return reject(Rejections.LINK_DISABLED, `The link ${command.code} is already disabled`);
      return accept([{ type: "LinkDisabled", code: command.code, at }], { ...link, disabledAt: at });
  }
}

export function evolve(link: Link | null, event: LinkEvent): Link | null {
  switch (event.type) {
    case "LinkCreated":
      return { code: event.code, url: event.url, createdAt: event.at, disabledAt: null };
    case "LinkDisabled":
      return link && { ...link, disabledAt: event.at };
  }
}
