package dev.taskstream.embedding;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtLoggingLevel;
import ai.onnxruntime.OrtProvider;
import ai.onnxruntime.OrtSession;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Opens an ONNX Runtime session on the requested provider, falling back where allowed. */
final class OrtSessions {
  private static final Logger LOG = LoggerFactory.getLogger(OrtSessions.class);

  /**
   * Stack for the thread that creates ONNX Runtime's environment. Creating it matches regular
   * expressions against the process's command line (platform telemetry) with a backtracking matcher
   * whose recursion grows with the line: a command line of a few thousand characters (a long
   * instruction given as an argument, many {@code -D} options) overflows a thread's default 1 MiB
   * stack and the JVM dies of SIGSEGV without a report. 512 MiB is reserved, not committed: it
   * covers the longest command line Linux accepts.
   */
  static final long ENVIRONMENT_STACK_BYTES = 512L << 20;

  private static OrtEnvironment environment;

  private OrtSessions() {}

  /**
   * @return ONNX Runtime's process-wide environment, created once, on a thread with a stack deep
   *     enough for any command line (see {@link #ENVIRONMENT_STACK_BYTES})
   */
  static synchronized OrtEnvironment environment() {
    if (environment == null) {
      environment = createEnvironment();
    }
    return environment;
  }

  private static OrtEnvironment createEnvironment() {
    final FutureTask<OrtEnvironment> creation =
        new FutureTask<>(
            () -> OrtEnvironment.getEnvironment(OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR));
    try {
      new Thread(null, creation, "onnxruntime-environment", ENVIRONMENT_STACK_BYTES).start();
    } catch (OutOfMemoryError e) {
      // No thread of that size to be had: the caller's thread it is (short command lines fit).
      creation.run();
    }
    try {
      return creation.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while ONNX Runtime started", e);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof RuntimeException cause) {
        throw cause;
      }
      if (e.getCause() instanceof Error cause) {
        throw cause;
      }
      throw new IllegalStateException(e.getCause());
    }
  }

  static OnnxEncoder.Session open(
      final OrtEnvironment env,
      final ModelArtifacts model,
      final ExecutionProvider provider,
      final int threads) {
    if (provider == ExecutionProvider.CPU) {
      return new OnnxEncoder.Session(create(env, model, threads, false), ExecutionProvider.CPU);
    }
    final boolean compiledIn = OrtEnvironment.getAvailableProviders().contains(OrtProvider.CUDA);
    if (provider == ExecutionProvider.CUDA && !compiledIn) {
      throw new ModelContractException(
          "execution provider cuda needs the GPU build: rebuild with -Pgpu, or use --provider auto");
    }
    if (!compiledIn) {
      // The CPU build cannot run CUDA at all: nothing to warn about, nothing to try.
      LOG.info("CPU build of ONNX Runtime: running on CPU");
      return new OnnxEncoder.Session(create(env, model, threads, false), ExecutionProvider.CPU);
    }
    try {
      return new OnnxEncoder.Session(create(env, model, threads, true), ExecutionProvider.CUDA);
    } catch (ModelContractException e) {
      if (provider == ExecutionProvider.CUDA) {
        throw e;
      }
      LOG.warn("CUDA unavailable ({}); falling back to CPU", rootMessage(e));
      return new OnnxEncoder.Session(create(env, model, threads, false), ExecutionProvider.CPU);
    }
  }

  /**
   * Opens a small graph of ours (the scoring graph) on the provider the encoder already runs on: no
   * fallback, since that provider is known to work.
   */
  static OrtSession graph(
      final OrtEnvironment env,
      final byte[] graph,
      final String name,
      final ExecutionProvider active,
      final int threads) {
    return create(env, graph, name, threads, active == ExecutionProvider.CUDA);
  }

  private static OrtSession create(
      final OrtEnvironment env, final ModelArtifacts model, final int threads, final boolean cuda) {
    return create(env, model.onnx(), "model '" + model.name() + "'", threads, cuda);
  }

  private static OrtSession create(
      final OrtEnvironment env,
      final byte[] onnx,
      final String name,
      final int threads,
      final boolean cuda) {
    try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
      options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
      options.setIntraOpNumThreads(threads);
      options.setInterOpNumThreads(1);
      if (cuda) {
        options.addCUDA(0);
      }
      return env.createSession(onnx, options);
    } catch (OrtException | UnsatisfiedLinkError e) {
      throw new ModelContractException(
          "cannot load " + name + " on " + (cuda ? "CUDA" : "CPU") + ": " + rootMessage(e), e);
    }
  }

  private static String rootMessage(final Throwable e) {
    Throwable t = e;
    while (t.getCause() != null && t.getCause() != t) {
      t = t.getCause();
    }
    final String msg = t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
    return msg.lines().findFirst().orElse(msg);
  }
}
