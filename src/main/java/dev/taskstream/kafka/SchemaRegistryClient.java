package dev.taskstream.kafka;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.Schema;

/**
 * The few calls of the Confluent Schema Registry REST API a serde needs: register a schema under a
 * subject (returns its id), look a schema up by id, and find the id of a known schema. Answers are
 * cached forever (ids are immutable); an id the registry does not know is remembered as unknown for
 * {@link RegistrySettings#notFoundTtl()}, so a stream of records with a made-up id costs one
 * request, not one each. Connection errors, 5xx and 429 are retried with exponential backoff up to
 * the configured attempts and within {@link RegistrySettings#retryBudget()} for the whole call; 4xx
 * fail at once. Thread-safe.
 */
public final class SchemaRegistryClient {
  private static final String CONTENT_TYPE = "application/vnd.schemaregistry.v1+json";
  private static final ObjectMapper JSON = new ObjectMapper();

  private final RegistrySettings settings;
  private final HttpClient http;
  private final Map<Integer, Schema> byId;

  /**
   * Keyed by subject and the schema object: a hit costs the schema's cached hash and an identity
   * check (the serializers pass the same instance every time), not rendering its JSON (2,153
   * characters for TaggedInstruction, about 24 µs, twice per tagged record before).
   */
  private final Map<SubjectSchema, Integer> idBySubjectAndSchema;

  private record SubjectSchema(String subject, Schema schema) {}

  private final Map<Integer, Long> unknownUntil;
  private final Circuit circuit;

  /**
   * After a call finds the registry unavailable (no answer, 5xx, 429 once its attempts are spent),
   * calls that need it fail at once for a cool-down that doubles from 1 s to 30 s while it stays
   * away; cached answers are still given. A thread waiting on a hanging registry then costs one
   * budget per cool-down, not one per record. Any answer closes it.
   */
  private static final class Circuit {
    private long openUntil;
    private int failures;
    private String cause;

    synchronized void check(final String what) {
      final long left = openUntil - System.nanoTime();
      if (failures > 0 && left > 0) {
        throw new SchemaRegistryException(
            what
                + ": registry unavailable, not called for another "
                + Duration.ofNanos(left).toMillis()
                + " ms (last: "
                + cause
                + ")",
            -1,
            null);
      }
    }

    synchronized void failed(final SchemaRegistryException e) {
      failures++;
      cause = e.getMessage();
      openUntil = System.nanoTime() + Duration.ofSeconds(1L << Math.min(failures - 1, 5)).toNanos();
    }

    synchronized void answered() {
      failures = 0;
    }
  }

  /**
   * @param settings where and how to reach the registry
   */
  public SchemaRegistryClient(final RegistrySettings settings) {
    this.settings = settings;
    this.http =
        HttpClient.newBuilder()
            // HTTP/1.1, as Confluent's own client speaks. The JDK's default offers an h2c upgrade
            // on plain http, a path where Quarkus/Vert.x servers have had bugs with POST bodies;
            // once, in ScaleOutIT (two instances registering ~800 subjects at once), Apicurio
            // answered a registration with its router's bare 404 page that its log never saw.
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(settings.timeout())
            .sslContext(settings.tls().context())
            .build();
    this.byId = new ConcurrentHashMap<>();
    this.idBySubjectAndSchema = new ConcurrentHashMap<>();
    this.unknownUntil = new ConcurrentHashMap<>();
    this.circuit = new Circuit();
  }

  private SchemaRegistryClient(final SchemaRegistryClient shared, final RegistrySettings settings) {
    this.settings = settings;
    this.http = shared.http;
    this.byId = shared.byId;
    this.idBySubjectAndSchema = shared.idBySubjectAndSchema;
    this.unknownUntil = shared.unknownUntil;
    this.circuit = shared.circuit;
  }

  /**
   * The same registry and caches, with every call (attempts and back-off together) ended within
   * {@code budget}: for calls on a stream thread, which under exactly-once hold a transaction open
   * while they wait.
   *
   * @param budget the most time one call may take
   * @return a client sharing this one's connections and caches, or this one when its own budget is
   *     already within {@code budget}
   */
  public SchemaRegistryClient within(final Duration budget) {
    if (settings.retryBudget().compareTo(budget) <= 0) {
      return this;
    }
    return new SchemaRegistryClient(this, settings.withRetryBudget(budget));
  }

  /**
   * Registers a schema under a subject, or finds it when auto-registration is off.
   *
   * @param subject e.g. {@code instructions-value}
   * @param schema the writer schema
   * @return the registry's id for it
   */
  public int idFor(final String subject, final Schema schema) {
    final SubjectSchema key = new SubjectSchema(subject, schema);
    final Integer cached = idBySubjectAndSchema.get(key);
    if (cached != null) {
      return cached;
    }
    final String body = JSON.createObjectNode().put("schema", schema.toString()).toString();
    final String path =
        "subjects/"
            + URLEncoder.encode(subject, StandardCharsets.UTF_8)
            + (settings.autoRegister() ? "/versions" : "");
    final JsonNode answer = send("POST", path, body);
    final int id = answer.path("id").asInt(-1);
    if (id < 0) {
      throw new SchemaRegistryException("registry answered without an id for " + subject, -1, null);
    }
    idBySubjectAndSchema.put(key, id);
    byId.putIfAbsent(id, schema);
    return id;
  }

  /**
   * @param id a schema id from a record's header
   * @return the writer schema
   * @throws SchemaRegistryException with status 404 when the registry does not know the id
   */
  public Schema byId(final int id) {
    final Schema cached = byId.get(id);
    if (cached != null) {
      return cached;
    }
    final Long until = unknownUntil.get(id);
    if (until != null && System.nanoTime() - until < 0) {
      throw new SchemaRegistryException(
          "GET schemas/ids/" + id + " answered 404 (remembered): the registry has no schema " + id,
          404,
          null);
    }
    final JsonNode answer;
    try {
      answer = send("GET", "schemas/ids/" + id, null);
    } catch (SchemaRegistryException e) {
      if (e.status() == 404) {
        if (unknownUntil.size() > 10_000) {
          unknownUntil.clear();
        }
        unknownUntil.put(id, System.nanoTime() + settings.notFoundTtl().toNanos());
      }
      throw e;
    }
    unknownUntil.remove(id);
    final Schema schema = new Schema.Parser().parse(answer.path("schema").asText());
    byId.put(id, schema);
    return schema;
  }

  /**
   * @param id a schema id
   * @return whether it is cached (a record with it can be read during a registry outage)
   */
  public boolean isCached(final int id) {
    return byId.containsKey(id);
  }

  private JsonNode send(final String method, final String path, final String body) {
    circuit.check(method + " " + path);
    try {
      final JsonNode answer = attempts(method, path, body);
      circuit.answered();
      return answer;
    } catch (SchemaRegistryException e) {
      if (e.unavailable()) {
        circuit.failed(e);
      } else {
        circuit.answered();
      }
      throw e;
    }
  }

  private JsonNode attempts(final String method, final String path, final String body) {
    final long deadline = System.nanoTime() + settings.retryBudget().toNanos();
    Duration delay = settings.backoff();
    SchemaRegistryException last = null;
    for (int attempt = 1; attempt <= settings.maxAttempts(); attempt++) {
      final Duration left = Duration.ofNanos(deadline - System.nanoTime());
      if (left.compareTo(Duration.ofMillis(10)) < 0) {
        break;
      }
      final HttpRequest request =
          request(
              method,
              path,
              body,
              left.compareTo(settings.timeout()) < 0 ? left : settings.timeout());
      try {
        final HttpResponse<String> response =
            http.send(request, HttpResponse.BodyHandlers.ofString());
        final int status = response.statusCode();
        if (status / 100 == 2) {
          return JSON.readTree(response.body());
        }
        last =
            new SchemaRegistryException(
                method + " " + path + " answered " + status + ": " + firstLine(response.body()),
                status,
                null);
        if (status / 100 == 4 && status != 429) {
          throw last;
        }
      } catch (IOException e) {
        last = new SchemaRegistryException(method + " " + path + " failed: " + e, -1, e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new SchemaRegistryException("interrupted calling the schema registry", -1, e);
      }
      final Duration remaining = Duration.ofNanos(Math.max(0, deadline - System.nanoTime()));
      sleep(
          attempt < settings.maxAttempts()
              ? (delay.compareTo(remaining) < 0 ? delay : remaining)
              : Duration.ZERO);
      delay = delay.multipliedBy(2);
    }
    if (last == null) {
      throw new SchemaRegistryException(
          method + " " + path + ": no answer within the retry budget " + settings.retryBudget(),
          -1,
          null);
    }
    throw new SchemaRegistryException(
        last.getMessage() + " (gave up within the retry budget of " + settings.retryBudget() + ")",
        last.status(),
        last.getCause());
  }

  private HttpRequest request(
      final String method, final String path, final String body, final Duration timeout) {
    final HttpRequest.Builder b =
        HttpRequest.newBuilder(settings.url().resolve(path))
            .timeout(timeout)
            .header("Accept", CONTENT_TYPE + ", application/json");
    if (settings.basicUser() != null) {
      final String creds = settings.basicUser() + ":" + settings.basicPassword();
      b.header(
          "Authorization",
          "Basic " + Base64.getEncoder().encodeToString(creds.getBytes(StandardCharsets.UTF_8)));
    } else if (settings.bearerToken() != null) {
      b.header("Authorization", "Bearer " + settings.bearerToken());
    }
    if (body == null) {
      return b.GET().build();
    }
    return b.header("Content-Type", CONTENT_TYPE)
        .method(method, HttpRequest.BodyPublishers.ofString(body))
        .build();
  }

  private static String firstLine(final String s) {
    return s == null ? "" : s.lines().findFirst().orElse("");
  }

  private static void sleep(final Duration d) {
    try {
      Thread.sleep(d.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
