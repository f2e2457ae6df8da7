package dev.taskstream.tools.evaluation;

import dev.taskstream.taxonomy.Classification;
import dev.taskstream.taxonomy.Novelty;
import dev.taskstream.taxonomy.TaskMatch;
import dev.taskstream.vectors.Ranks;
import java.util.List;

/**
 * How a taxonomy tags a {@link TaggingSet}: tag accuracy on known-task prompts, the novelty rule's
 * false-novel rate on them and recall on unseen-task prompts, and the novelty score's ROC AUC.
 *
 * @param source the set
 * @param known known-task prompts
 * @param novel unseen-task prompts
 * @param top1Strict share of known prompts whose best task is the labelled key
 * @param top1 share whose best task is the labelled key or an acceptable one
 * @param top3 share with the labelled or an acceptable key among the best three
 * @param falseNovel share of known prompts the novelty rule calls novel
 * @param novelRecall share of unseen-task prompts it calls novel (NaN without any)
 * @param noveltyAuc ROC AUC of the novelty score, unseen against known (NaN without both)
 * @param similarityAuc ROC AUC of {@code 1 - top-1 similarity}, the plain baseline
 * @param withAlternatives known prompts that list acceptable alternative keys
 */
public record TaggingReport(
    String source,
    int known,
    int novel,
    double top1Strict,
    double top1,
    double top3,
    double falseNovel,
    double novelRecall,
    double noveltyAuc,
    double similarityAuc,
    int withAlternatives) {

  /**
   * @param set the labelled prompts
   * @param results one classification per prompt (at least three candidates for top-3)
   * @param rule the novelty rule
   * @return the report
   */
  public static TaggingReport of(
      final TaggingSet set, final List<Classification> results, final Novelty rule) {
    final List<TaggingSet.Prompt> prompts = set.prompts();
    if (prompts.size() != results.size()) {
      throw new IllegalArgumentException("one classification per prompt");
    }
    int known = 0;
    int strict = 0;
    int top1 = 0;
    int top3 = 0;
    int falseNovel = 0;
    int novel = 0;
    int caught = 0;
    int alternatives = 0;
    final int[] labels = new int[prompts.size()];
    final double[] scores = new double[prompts.size()];
    final double[] baseline = new double[prompts.size()];
    for (int i = 0; i < prompts.size(); i++) {
      final TaggingSet.Prompt p = prompts.get(i);
      final Classification c = results.get(i);
      final boolean flagged = rule.isNovel(c.novelty());
      labels[i] = p.novel() ? 1 : 0;
      scores[i] = c.novelty();
      baseline[i] = 1 - c.best().similarity();
      if (p.novel()) {
        novel++;
        caught += flagged ? 1 : 0;
        continue;
      }
      known++;
      alternatives += p.accept().isEmpty() ? 0 : 1;
      final String best = c.best().task().key();
      strict += p.strictlyAccepts(best) ? 1 : 0;
      top1 += p.accepts(best) ? 1 : 0;
      final List<TaskMatch> top = c.top();
      boolean inTop3 = false;
      for (int r = 0; r < Math.min(3, top.size()); r++) {
        inTop3 |= p.accepts(top.get(r).task().key());
      }
      top3 += inTop3 ? 1 : 0;
      falseNovel += flagged ? 1 : 0;
    }
    final boolean both = known > 0 && novel > 0;
    return new TaggingReport(
        set.source(),
        known,
        novel,
        share(strict, known),
        share(top1, known),
        share(top3, known),
        share(falseNovel, known),
        share(caught, novel),
        both ? Ranks.auc(labels, scores) : Double.NaN,
        both ? Ranks.auc(labels, baseline) : Double.NaN,
        alternatives);
  }

  private static double share(final int n, final int of) {
    return of == 0 ? Double.NaN : n / (double) of;
  }
}
