package dev.eddy.bench;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * The bank's command handler written against the Processor API, with the rules of
 * examples/bank/account.ts (decide, evolve) and the reply envelopes of Eddy's
 * handleCommands(): per command, validate it, load the account (JSON in a persistent
 * store), decide, fold the events into the account, store it, forward the events, then
 * forward the reply ("accepted", "rejected" or "invalid") to the command's reply-to
 * header or the default reply topic, with the command's correlation-id.
 */
final class BankProcessor implements Processor<String, String, String, Outgoing> {
  static final String STORE = "accounts";
  static final long MAX_BALANCE_CENTS = 999_999_999_999_999L;
  private static final Pattern ACCOUNT_ID = Pattern.compile("^[A-Za-z0-9_-]{1,64}$");
  private static final ObjectMapper JSON = new ObjectMapper();

  private final String eventsTopic;
  private final String defaultReplyTopic;
  private ProcessorContext<String, Outgoing> context;
  private KeyValueStore<String, String> accounts;

  BankProcessor(String eventsTopic, String defaultReplyTopic) {
    this.eventsTopic = eventsTopic;
    this.defaultReplyTopic = defaultReplyTopic;
  }

  @Override
  public void init(ProcessorContext<String, Outgoing> context) {
    this.context = context;
    this.accounts = context.getStateStore(STORE);
  }

  @Override
  public void process(Record<String, String> command) {
    ObjectNode envelope = handle(command);
    String replyTo = lastString(command.headers(), "reply-to");
    String topic = replyTo != null && !replyTo.isEmpty() ? replyTo : defaultReplyTopic;
    Headers headers = correlationOf(command.headers());
    headers.add("eddy-reply-status", envelope.get("status").asText().getBytes(StandardCharsets.UTF_8));
    context.forward(new Record<>(command.key(), new Outgoing(topic, write(envelope)), command.timestamp(), headers));
  }

  private ObjectNode handle(Record<String, String> record) {
    String key = record.key();
    if (key == null) return invalid("The command has no key: the key names the aggregate it is for", List.of());
    if (record.value() == null) return invalid("The command has no value", List.of());
    JsonNode command;
    try {
      command = JSON.readTree(record.value());
    } catch (JsonProcessingException e) {
      return invalid("The command is not JSON", List.of());
    }
    List<String> issues = validate(command);
    if (!issues.isEmpty())
      return invalid("The command does not match its schema: " + String.join("; ", issues), issues);

    String stored = accounts.get(key);
    ObjectNode account = stored == null ? null : (ObjectNode) read(stored);
    long at = record.timestamp();
    List<ObjectNode> events = new ArrayList<>();
    ObjectNode decision = decide(account, command, key, at, events);
    if (decision.has("reject")) {
      ObjectNode envelope = JSON.createObjectNode().put("status", "rejected");
      envelope.set("error", decision.get("reject"));
      return envelope;
    }
    ObjectNode next = account;
    for (ObjectNode event : events) next = evolve(next, event);
    if (!events.isEmpty()) {
      if (next == null) accounts.delete(key);
      else accounts.put(key, write(next));
      for (ObjectNode event : events)
        context.forward(
            new Record<>(key, new Outgoing(eventsTopic, write(event)), record.timestamp(), correlationOf(record.headers())));
    }
    ObjectNode envelope = JSON.createObjectNode().put("status", "accepted");
    envelope.set("reply", decision.get("reply"));
    return envelope;
  }

  /** examples/bank/account.ts decide(): the events go to `events`, the answer is {reply} or {reject}. */
  private static ObjectNode decide(ObjectNode account, JsonNode command, String key, long at, List<ObjectNode> events) {
    String id = command.get("accountId").asText();
    if (!id.equals(key))
      return reject("KEY_MISMATCH", "The command is keyed " + key + " but names account " + id);
    String type = command.get("type").asText();
    if (type.equals("OpenAccount")) {
      if (account != null)
        return reject(
            "ACCOUNT_EXISTS",
            "Account " + id + " already exists (" + account.get("status").asText().toLowerCase()
                + "); account numbers are never reused");
      String holder = command.get("holder").asText().trim();
      events.add(event("AccountOpened", id, at).put("holder", holder));
      long deposit = command.has("openingDepositCents") ? command.get("openingDepositCents").asLong() : 0;
      if (deposit > 0)
        events.add(event("FundsDeposited", id, at).put("amountCents", deposit).put("balanceCents", deposit));
      return accept(JSON.createObjectNode().put("accountId", id).put("holder", holder).put("balanceCents", deposit)
          .put("status", "OPEN"));
    }
    if (account == null) return reject("ACCOUNT_NOT_FOUND", "There is no account " + id);
    if (account.get("status").asText().equals("CLOSED")) return reject("ACCOUNT_CLOSED", "Account " + id + " is closed");
    long balance = account.get("balanceCents").asLong();
    switch (type) {
      case "DepositFunds" -> {
        long amount = command.get("amountCents").asLong();
        long next = balance + amount;
        if (next > MAX_BALANCE_CENTS)
          return reject("BALANCE_LIMIT", "An account holds at most " + formatCents(MAX_BALANCE_CENTS));
        events.add(event("FundsDeposited", id, at).put("amountCents", amount).put("balanceCents", next));
        return accept(replyOf(account).put("balanceCents", next));
      }
      case "WithdrawFunds" -> {
        long amount = command.get("amountCents").asLong();
        if (amount > balance)
          return reject(
              "INSUFFICIENT_FUNDS",
              "Cannot withdraw " + formatCents(amount) + ": the balance of " + id + " is " + formatCents(balance));
        long next = balance - amount;
        events.add(event("FundsWithdrawn", id, at).put("amountCents", amount).put("balanceCents", next));
        return accept(replyOf(account).put("balanceCents", next));
      }
      default -> {
        if (balance != 0)
          return reject(
              "BALANCE_NOT_ZERO",
              "Account " + id + " still holds " + formatCents(balance) + ": withdraw it before closing");
        events.add(event("AccountClosed", id, at));
        return accept(replyOf(account).put("status", "CLOSED"));
      }
    }
  }

  /** examples/bank/account.ts evolve(). */
  private static ObjectNode evolve(ObjectNode account, ObjectNode event) {
    long at = event.get("at").asLong();
    switch (event.get("type").asText()) {
      case "AccountOpened":
        return JSON.createObjectNode()
            .put("accountId", event.get("accountId").asText())
            .put("holder", event.get("holder").asText())
            .put("balanceCents", 0)
            .put("status", "OPEN")
            .put("openedAt", at)
            .put("updatedAt", at);
      case "FundsDeposited":
        return account == null ? null : account.deepCopy()
            .put("balanceCents", account.get("balanceCents").asLong() + event.get("amountCents").asLong())
            .put("updatedAt", at);
      case "FundsWithdrawn":
        return account == null ? null : account.deepCopy()
            .put("balanceCents", account.get("balanceCents").asLong() - event.get("amountCents").asLong())
            .put("updatedAt", at);
      default:
        return account == null ? null : account.deepCopy().put("status", "CLOSED").put("updatedAt", at);
    }
  }

  private static final Set<String> OPEN_FIELDS = Set.of("type", "accountId", "holder", "openingDepositCents");
  private static final Set<String> AMOUNT_FIELDS = Set.of("type", "accountId", "amountCents");
  private static final Set<String> CLOSE_FIELDS = Set.of("type", "accountId");

  /** The zod schema of examples/bank (strict objects, a discriminated union on type): the issues, empty when valid. */
  private static List<String> validate(JsonNode command) {
    List<String> issues = new ArrayList<>();
    if (!command.isObject()) {
      issues.add("expected object");
      return issues;
    }
    JsonNode type = command.get("type");
    Set<String> allowed;
    String kind = type != null && type.isTextual() ? type.asText() : "";
    switch (kind) {
      case "OpenAccount" -> {
        allowed = OPEN_FIELDS;
        JsonNode holder = command.get("holder");
        if (holder == null || !holder.isTextual()) issues.add("holder: expected string");
        else if (holder.asText().trim().isEmpty()) issues.add("holder: must not be empty");
        else if (holder.asText().trim().length() > 200) issues.add("holder: too big");
        if (command.has("openingDepositCents")) cents(command.get("openingDepositCents"), "openingDepositCents", issues);
      }
      case "DepositFunds", "WithdrawFunds" -> {
        allowed = AMOUNT_FIELDS;
        cents(command.get("amountCents"), "amountCents", issues);
      }
      case "CloseAccount" -> allowed = CLOSE_FIELDS;
      default -> {
        issues.add("type: invalid discriminator value");
        return issues;
      }
    }
    JsonNode id = command.get("accountId");
    if (id == null || !id.isTextual()) issues.add("accountId: expected string");
    else if (!ACCOUNT_ID.matcher(id.asText()).matches())
      issues.add("accountId: must be 1 to 64 letters, digits, '_' or '-'");
    command.fieldNames().forEachRemaining(name -> {
      if (!allowed.contains(name)) issues.add("unrecognized key: " + name);
    });
    return issues;
  }

  private static void cents(JsonNode amount, String field, List<String> issues) {
    if (amount == null || !amount.isNumber()) issues.add(field + ": expected number");
    else if (!amount.canConvertToExactIntegral()) issues.add(field + ": must be an integer number of cents");
    else if (amount.asLong() <= 0) issues.add(field + ": must be positive");
    else if (amount.asLong() > MAX_BALANCE_CENTS) issues.add(field + ": must be at most " + MAX_BALANCE_CENTS + " cents");
  }

  private static ObjectNode event(String type, String id, long at) {
    ObjectNode event = JSON.createObjectNode().put("type", type).put("accountId", id);
    event.put("at", at);
    return event;
  }

  private static ObjectNode replyOf(ObjectNode account) {
    return JSON.createObjectNode()
        .put("accountId", account.get("accountId").asText())
        .put("holder", account.get("holder").asText())
        .put("balanceCents", account.get("balanceCents").asLong())
        .put("status", account.get("status").asText());
  }

  private static ObjectNode accept(ObjectNode reply) {
    ObjectNode decision = JSON.createObjectNode();
    decision.set("reply", reply);
    return decision;
  }

  private static ObjectNode reject(String code, String message) {
    ObjectNode decision = JSON.createObjectNode();
    decision.putObject("reject").put("code", code).put("message", message);
    return decision;
  }

  private static ObjectNode invalid(String message, List<String> issues) {
    ObjectNode envelope = JSON.createObjectNode().put("status", "invalid");
    ObjectNode error = envelope.putObject("error").put("code", "EDDY_ERR_INVALID_COMMAND").put("message", message);
    var list = error.putArray("issues");
    for (String issue : issues) list.addObject().put("message", issue);
    return envelope;
  }

  static String formatCents(long cents) {
    String sign = cents < 0 ? "-" : "";
    long abs = Math.abs(cents);
    return sign + (abs / 100) + "." + String.format("%02d", abs % 100);
  }

  private static Headers correlationOf(Headers command) {
    Headers headers = new RecordHeaders();
    Header correlation = command.lastHeader("correlation-id");
    if (correlation != null) headers.add(correlation.key(), correlation.value());
    return headers;
  }

  private static String lastString(Headers headers, String key) {
    Header header = headers.lastHeader(key);
    return header == null || header.value() == null ? null : new String(header.value(), StandardCharsets.UTF_8);
  }

  private static JsonNode read(String json) {
    try {
      return JSON.readTree(json);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("an account in the store is not JSON", e);
    }
  }

  private static String write(JsonNode node) {
    try {
      return JSON.writeValueAsString(node);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }
}
