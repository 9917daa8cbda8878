// The snack order: three upstream services each publish a part of it, keyed by order
// id (the cart its items, checkout the shipping address, the payment service the
// payment); Eddy joins them into the order. Once all three are in, and the payment
// equals the items' total, the order is PAID; the fulfilment team then fulfils it
// (FULFILLED) and the delivery team ships it (SHIPPED), each by a command that is
// refused when the order is not in the right state. A fulfilled order is packed: its
// parts are frozen as they were (the OrderFulfilled event carries them), and a part
// that changes afterwards is refused onto order-rejections, as is a payment that does
// not equal the total.
import { z } from "zod";
import { accept, reject } from "eddy-streams";
import type { Decision } from "eddy-streams";

const cents = z
  .number()
  .int({ error: "must be an integer number of cents" })
  .positive({ error: "must be positive" })
  .max(Number.MAX_SAFE_INTEGER);
export const orderId = z
  .string()
  .regex(/^[A-Za-z0-9_-]{1,64}$/, { error: "must be 1 to 64 letters, digits, '_' or '-'" });

export const Item = z.strictObject({
  sku: z.string().min(1).max(100),
  quantity: z.number().int().positive().max(10_000),
  unitPriceCents: cents,
});
export type Item = z.infer<typeof Item>;

export const Shipping = z.strictObject({
  customerName: z.string().trim().min(1).max(200),
  address: z.string().trim().min(1).max(500),
});
export type Shipping = z.infer<typeof Shipping>;

export const Payment = z.strictObject({
  amountCents: cents,
  method: z.enum(["card", "cash", "voucher"]),
});
export type Payment = z.infer<typeof Payment>;

export const FulfillOrder = z.strictObject({
  type: z.literal("FulfillOrder"),
  orderId,
  fulfilledBy: z.string().trim().min(1).max(100),
});
export const ShipOrder = z.strictObject({
  type: z.literal("ShipOrder"),
  orderId,
  carrier: z.string().trim().min(1).max(100),
  trackingCode: z.string().trim().min(1).max(100),
});
export const OrderCommand = z.discriminatedUnion("type", [FulfillOrder, ShipOrder]);
export type OrderCommand = z.infer<typeof OrderCommand>;

/** The three parts as joined so far; a part that has not arrived is null. */
export interface OrderParts {
  orderId: string;
  items: Item[];
  shipping: Shipping | null;
  payment: Payment | null;
}

export type OrderStatus = "PENDING" | "PAID" | "FULFILLED" | "SHIPPED";

export type OrderEvent =
  | { type: "OrderFulfilled"; orderId: string; fulfilledBy: string; at: number; parts: OrderParts }
  | { type: "OrderShipped"; orderId: string; carrier: string; trackingCode: string; at: number };

/** What the fulfilment commands have done to an order. */
export interface Progress {
  status: "FULFILLED" | "SHIPPED";
  fulfilledBy: string;
  fulfilledAt: number;
  shipment: { carrier: string; trackingCode: string; shippedAt: number } | null;
  /** The parts as they were fulfilled: the order no longer changes with its upstream topics. */
  parts?: OrderParts;
}

/** The order as queried: its parts, its total, its status. */
export interface Order extends OrderParts {
  status: OrderStatus;
  totalCents: number;
  /** The parts still missing, while PENDING (a payment that does not equal the total is still awaited). */
  awaiting: Array<"items" | "shipping" | "payment">;
  /** Why the order is not PAID although every part is in (a payment that does not equal the total). */
  problems: string[];
  fulfilledBy: string | null;
  shipment: Progress["shipment"];
}

/** The command as the handler sees it: joined with the order's parts (null when none arrived). */
export interface OrderCommandWithParts {
  command: OrderCommand;
  parts: OrderParts | null;
}

export const Rejections = {
  ORDER_NOT_FOUND: "ORDER_NOT_FOUND",
  ORDER_NOT_PAID: "ORDER_NOT_PAID",
  ORDER_NOT_FULFILLED: "ORDER_NOT_FULFILLED",
  ALREADY_FULFILLED: "ALREADY_FULFILLED",
  ALREADY_SHIPPED: "ALREADY_SHIPPED",
  KEY_MISMATCH: "KEY_MISMATCH",
  PAYMENT_MISMATCH: "PAYMENT_MISMATCH",
  ORDER_CLOSED: "ORDER_CLOSED",
} as const;

/** A part refused onto order-rejections: a payment that does not equal the total, a change after fulfilment. */
export interface PartRejection {
  orderId: string;
  part: "items" | "shipping" | "payment";
  code: typeof Rejections.PAYMENT_MISMATCH | typeof Rejections.ORDER_CLOSED;
  reason: string;
}

export function addItem(items: readonly Item[], item: Item): Item[] {
  // The same SKU twice is one line with the quantities added, as a cart shows it.
  const existing = items.find((one) => one.sku === item.sku);
  if (existing === undefined) return [...items, item];
  return items.map((one) =>
    one.sku === item.sku
      ? { ...one, quantity: one.quantity + item.quantity, unitPriceCents: item.unitPriceCents }
      : one,
  );
}

export function totalCents(items: readonly Item[]): number {
  return items.reduce((sum, item) => sum + item.quantity * item.unitPriceCents, 0);
}

/** Why the payment cannot be accepted (it does not equal the items' total), or null. */
export function paymentProblem(parts: OrderParts): string | null {
  if (parts.payment === null || parts.items.length === 0) return null;
  const total = totalCents(parts.items);
  if (parts.payment.amountCents === total) return null;
  return `The payment of ${parts.payment.amountCents} cents does not equal the items' total of ${total} cents`;
}

export function awaiting(parts: OrderParts): Order["awaiting"] {
  const missing: Order["awaiting"] = [];
  if (parts.items.length === 0) missing.push("items");
  if (parts.shipping === null) missing.push("shipping");
  if (parts.payment === null || paymentProblem(parts) !== null) missing.push("payment");
  return missing;
}

export function orderOf(current: OrderParts, progress: Progress | null): Order {
  // Once fulfilled, the order is what was packed, whatever its upstream topics say since.
  const parts = progress?.parts ?? current;
  const missing = awaiting(parts);
  const problem = paymentProblem(parts);
  const status: OrderStatus = progress?.status ?? (missing.length === 0 ? "PAID" : "PENDING");
  return {
    ...parts,
    status,
    totalCents: totalCents(parts.items),
    awaiting: progress === null ? missing : [],
    problems: progress === null && problem !== null ? [problem] : [],
    fulfilledBy: progress?.fulfilledBy ?? null,
    shipment: progress?.shipment ?? null,
  };
}

function same(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/**
 * What an update of an order's parts breaks, if anything: a change after the order was
 * fulfilled (it is packed: the change is not applied), or a payment that does not equal
 * the total (the order stays PENDING until one that does arrives).
 */
export function partRejections(current: OrderParts, progress: Progress | null): PartRejection[] {
  const orderId = current.orderId;
  const frozen = progress?.parts;
  if (progress !== null && frozen !== undefined) {
    const changed = (["items", "shipping", "payment"] as const).filter((part) => !same(current[part], frozen[part]));
    return changed.map((part) => ({
      orderId,
      part,
      code: Rejections.ORDER_CLOSED,
      reason: `Order ${orderId} is ${progress.status}: its ${part} no longer change (the change is not applied)`,
    }));
  }
  const problem = progress === null ? paymentProblem(current) : null;
  return problem === null
    ? []
    : [
        {
          orderId,
          part: "payment",
          code: Rejections.PAYMENT_MISMATCH,
          reason: `${problem}: order ${orderId} stays PENDING`,
        },
      ];
}

/** The legal transitions: PAID -> FULFILLED -> SHIPPED; anything else is refused with the reason. */
export function decide(
  progress: Progress | null,
  input: OrderCommandWithParts,
  key: string,
  at: number,
): Decision<OrderEvent, Order> {
  const { command, parts } = input;
  if (command.orderId !== key)
    return reject(Rejections.KEY_MISMATCH, `The command is keyed ${key} but names order ${command.orderId}`);
  if (parts === null) return reject(Rejections.ORDER_NOT_FOUND, `There is no order ${key}`);
  const id = command.orderId;
  switch (command.type) {
    case "FulfillOrder": {
      if (progress !== null) {
        return reject(
          progress.status === "SHIPPED" ? Rejections.ALREADY_SHIPPED : Rejections.ALREADY_FULFILLED,
          `Order ${id} is already ${progress.status}`,
        );
      }
      const missing = awaiting(parts);
      const problem = paymentProblem(parts);
      if (problem !== null) return reject(Rejections.PAYMENT_MISMATCH, `Order ${id} is not PAID: ${problem}`);
      if (missing.length > 0)
        return reject(Rejections.ORDER_NOT_PAID, `Order ${id} is not PAID yet: it still awaits ${missing.join(", ")}`);
      const event: OrderEvent = { type: "OrderFulfilled", orderId: id, fulfilledBy: command.fulfilledBy, at, parts };
      return accept([event], orderOf(parts, evolve(progress, event)));
    }
    case "ShipOrder": {
      if (progress === null) {
        const missing = awaiting(parts);
        return reject(
          Rejections.ORDER_NOT_FULFILLED,
          `Order ${id} is ${missing.length > 0 ? "PENDING" : "PAID"}: it must be FULFILLED before it ships`,
        );
      }
      if (progress.status === "SHIPPED") return reject(Rejections.ALREADY_SHIPPED, `Order ${id} has already shipped`);
      const event: OrderEvent = {
        type: "OrderShipped",
        orderId: id,
        carrier: command.carrier,
        trackingCode: command.trackingCode,
        at,
      };
      return accept([event], orderOf(parts, evolve(progress, event)));
    }
  }
}

export function evolve(progress: Progress | null, event: OrderEvent): Progress | null {
  switch (event.type) {
    case "OrderFulfilled":
      return {
        status: "FULFILLED",
        fulfilledBy: event.fulfilledBy,
        fulfilledAt: event.at,
        shipment: null,
        parts: event.parts,
      };
    case "OrderShipped":
      return (
        progress && {
          ...progress,
          status: "SHIPPED",
          shipment: { carrier: event.carrier, trackingCode: event.trackingCode, shippedAt: event.at },
        }
      );
  }
}
