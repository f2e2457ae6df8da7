package dev.taskstream.tools.training;

import dev.taskstream.taxonomy.NameEvidence;
import dev.taskstream.taxonomy.TaskHead;
import dev.taskstream.taxonomy.TaskKey;
import dev.taskstream.tools.evaluation.EvalReport;
import dev.taskstream.tools.evaluation.EvalSet;
import dev.taskstream.tools.evaluation.Evaluator;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.function.DoubleConsumer;
import java.util.function.Function;

/**
 * The task-disjoint validation protocol of {@code train-head}: a share of the labelled tasks is
 * held out; every instruction, labelled or pseudo-labelled, whose task shares a verb|noun pair with
 * a held-out task is removed from training; heads trained on the rest are scored on the held-out
 * tasks only, beside the frozen encoder and the LDA baseline on the same split.
 */
public final class HeadValidation {
  /** The LDA baseline's shrinkage of the within-task scatter, fixed beforehand (not tuned). */
  private static final double LDA_SHRINK = 0.1;

  /**
   * @param holdout share of labelled tasks held out
   * @param seed the split's seed
   * @param trainer the head's training settings
   */
  public record Settings(double holdout, long seed, HeadTrainer.Settings trainer) {}

  /**
   * The instructions a head trains on.
   *
   * @param texts the instructions
   * @param vectors one frozen vector per instruction
   * @param tasks each one's task key
   * @param labelled how many lead the lists as labelled (the rest are pseudo-labelled)
   */
  public record Corpus(List<String> texts, float[][] vectors, List<String> tasks, int labelled) {}

  /**
   * One compared representation on the held-out tasks.
   *
   * @param name frozen, lda-ieb, lda, head-ieb or head
   * @param report its scores
   */
  public record Row(String name, EvalReport report) {}

  /**
   * The split's sizes, for the report.
   *
   * @param heldOutTasks labelled tasks held out
   * @param testInstructions their instructions
   * @param trainInstructions instructions trained on
   * @param trainLabelled of which labelled
   */
  public record Split(
      int heldOutTasks, int testInstructions, int trainInstructions, int trainLabelled) {}

  private HeadValidation() {}

  /**
   * @param corpus the instructions
   * @param settings holdout, seed, training settings
   * @param namer an instruction's name evidence (novelty's name terms)
   * @param epoch told each epoch's loss of the full head's training
   * @param split told the split's sizes before training starts
   * @return frozen, lda-ieb, lda, head-ieb and head on the held-out tasks
   */
  public static List<Row> run(
      final Corpus corpus,
      final Settings settings,
      final Function<String, NameEvidence> namer,
      final DoubleConsumer epoch,
      final java.util.function.Consumer<Split> split) {
    final List<String> tasks = corpus.tasks();
    final Set<String> heldOut = heldOutTasks(tasks.subList(0, corpus.labelled()), settings);
    final Set<String> heldOutPairs = pairsOf(heldOut);
    final List<float[]> trainV = new ArrayList<>();
    final List<String> trainT = new ArrayList<>();
    final List<float[]> labelledV = new ArrayList<>();
    final List<String> labelledT = new ArrayList<>();
    final List<String> testX = new ArrayList<>();
    final List<String> testT = new ArrayList<>();
    final Map<String, float[]> frozen = new HashMap<>();
    for (int i = 0; i < tasks.size(); i++) {
      final boolean touchesHeldOut = touches(tasks.get(i), heldOutPairs);
      if (i < corpus.labelled() && heldOut.contains(tasks.get(i))) {
        testX.add(corpus.texts().get(i));
        testT.add(tasks.get(i));
        frozen.put(corpus.texts().get(i), corpus.vectors()[i]);
      } else if (!touchesHeldOut) {
        trainV.add(corpus.vectors()[i]);
        trainT.add(tasks.get(i));
        if (i < corpus.labelled()) {
          labelledV.add(corpus.vectors()[i]);
          labelledT.add(tasks.get(i));
        }
      }
    }
    split.accept(new Split(heldOut.size(), testX.size(), trainV.size(), labelledV.size()));
    final EvalSet.Labelled test = new EvalSet.Labelled("held-out tasks", testX, testT);
    final HeadTrainer.Settings ts = settings.trainer();
    final List<Row> rows = new ArrayList<>();
    rows.add(score("frozen", test, frozen, TaskHead.NONE, namer));
    // The classic supervised baseline on the same split, with the same two training sets.
    rows.add(
        score(
            "lda-ieb",
            test,
            frozen,
            LdaHead.fit(labelledV.toArray(float[][]::new), labelledT, LDA_SHRINK),
            namer));
    rows.add(
        score(
            "lda",
            test,
            frozen,
            LdaHead.fit(trainV.toArray(float[][]::new), trainT, LDA_SHRINK),
            namer));
    rows.add(
        score(
            "head-ieb",
            test,
            frozen,
            new HeadTrainer(labelledV.toArray(float[][]::new), labelledT, ts).train(l -> {}),
            namer));
    rows.add(
        score(
            "head",
            test,
            frozen,
            new HeadTrainer(trainV.toArray(float[][]::new), trainT, ts).train(epoch),
            namer));
    return rows;
  }

  /**
   * The split: the labelled tasks held out, drawn as {@link #run} draws them. A training run that
   * must not see them (an encoder's, for an uncontaminated validation) removes every instruction
   * whose task {@linkplain #touches touches} one of them.
   *
   * @param labelledTasks each labelled instruction's task, in the corpus's order
   * @param settings holdout and seed
   * @return the held-out task keys
   */
  public static Set<String> heldOutTasks(
      final List<String> labelledTasks, final Settings settings) {
    final List<String> distinct = new ArrayList<>(new LinkedHashSet<>(labelledTasks));
    Collections.shuffle(distinct, new Random(settings.seed()));
    return new HashSet<>(
        distinct.subList(0, (int) Math.round(distinct.size() * settings.holdout())));
  }

  /**
   * @param tasks task keys
   * @return every verb|noun pair they name
   */
  public static Set<String> pairsOf(final Collection<String> tasks) {
    final Set<String> pairs = new HashSet<>();
    tasks.forEach(k -> pairs.addAll(TaskKey.parse(k).pairs()));
    return pairs;
  }

  /**
   * @param task a task key
   * @param pairs verb|noun pairs of held-out tasks
   * @return whether the task names one of them (and so is not trained on)
   */
  public static boolean touches(final String task, final Set<String> pairs) {
    return TaskKey.parse(task).pairs().stream().anyMatch(pairs::contains);
  }

  private static Row score(
      final String name,
      final EvalSet.Labelled test,
      final Map<String, float[]> frozen,
      final TaskHead head,
      final Function<String, NameEvidence> namer) {
    final Evaluator evaluator =
        new Evaluator(
            t -> head.applyAll(t.stream().map(frozen::get).toArray(float[][]::new)), 5, namer);
    return new Row(name, evaluator.evaluate(test));
  }
}
