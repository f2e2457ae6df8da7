package dev.taskstream.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code taxonomy show|promote|remove}: changes the live taxonomy of a running service through its
 * HTTP API (any instance: the change goes through the taxonomy topic to all of them). One code path
 * for the CLI and HTTP, so both check a change the same way.
 */
@Command(
    name = "taxonomy",
    description = "Show or change the live taxonomy of a running service (through its HTTP API).",
    subcommands = {
      TaxonomyCommand.Show.class,
      TaxonomyCommand.Promote.class,
      TaxonomyCommand.Remove.class
    })
final class TaxonomyCommand implements Callable<Integer> {
  @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

  /** Without a subcommand: the usage, and exit 2 (a usage error). */
  @Override
  public Integer call() {
    spec.commandLine().usage(System.err);
    return 2;
  }

  /** Where the service answers. */
  static class Target {
    @Option(
        names = "--url",
        description = "A service instance's HTTP address. Default: ${DEFAULT-VALUE}")
    String url = "http://127.0.0.1:8080";

    @Option(
        names = "--token",
        description =
            "The service's http.token, sent as a bearer token (changes need it). Default: the"
                + " TASKSTREAM_HTTP_TOKEN environment variable",
        defaultValue = "${env:TASKSTREAM_HTTP_TOKEN}")
    String token;

    private static final HttpClient HTTP =
        HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    JsonNode call(final String method, final String path) throws IOException, InterruptedException {
      return call(method, path, null);
    }

    JsonNode call(final String method, final String path, final ObjectNode body)
        throws IOException, InterruptedException {
      final URI uri = URI.create(url.replaceAll("/+$", "") + path);
      final HttpRequest.Builder r = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(30));
      if (token != null && !token.isBlank()) {
        r.header("Authorization", "Bearer " + token.trim());
      }
      final HttpResponse<String> answer;
      try {
        answer =
            HTTP.send(
                body != null
                    ? r.header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(body.toString()))
                        .build()
                    : r.build(),
                HttpResponse.BodyHandlers.ofString());
      } catch (java.net.ConnectException e) {
        throw new IllegalStateException(
            "no service answers at " + url + " (is it running? its http.port goes in --url)", e);
      }
      final JsonNode reply = new ObjectMapper().readTree(answer.body());
      if (answer.statusCode() >= 400) {
        throw new IllegalStateException(
            uri.getPath()
                + " answered "
                + answer.statusCode()
                + ": "
                + reply.path("error").asText());
      }
      return reply;
    }

    static ObjectNode body() {
      return new ObjectMapper().createObjectNode();
    }

    static int print(final JsonNode body) {
      System.out.println(body.toPrettyString());
      if (body.has("applied") && !body.get("applied").asBoolean()) {
        System.err.println("taskstream: published, not applied here yet (see taxonomy show)");
      }
      return 0;
    }
  }

  @Command(name = "show", description = "The live version, applied and rejected changes.")
  static final class Show extends Target implements Callable<Integer> {
    @Override
    public Integer call() throws Exception {
      return print(call("GET", "/api/taxonomy"));
    }
  }

  @Command(
      name = "promote",
      description = "Add an emerging task (an id from /api/emerging) to the live taxonomy.")
  static final class Promote extends Target implements Callable<Integer> {
    @Parameters(index = "0", description = "The emerging cluster's id")
    String id;

    @Option(
        names = "--key",
        description = "Task key to add it as (default: its proposed verb|noun)")
    String key;

    @Option(names = "--name", description = "Display name (default: from the key)")
    String name;

    @Override
    public Integer call() throws Exception {
      final ObjectNode body = body().put("id", id);
      if (key != null) {
        body.put("key", key);
      }
      if (name != null) {
        body.put("name", name);
      }
      return print(call("POST", "/api/taxonomy/promote", body));
    }
  }

  @Command(name = "remove", description = "Remove a task from the live taxonomy.")
  static final class Remove extends Target implements Callable<Integer> {
    @Parameters(index = "0", description = "The task key")
    String key;

    @Override
    public Integer call() throws Exception {
      return print(call("POST", "/api/taxonomy/remove", body().put("key", key)));
    }
  }
}
