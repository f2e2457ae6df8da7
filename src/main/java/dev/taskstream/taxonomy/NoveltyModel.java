package dev.taskstream.taxonomy;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * Logistic novelty score over what the classifier knows about an instruction:
 *
 * <pre>
 *   novelty = 1 / (1 + exp(-(bias + wTop1 * s1 + wMargin * (s1 - s2) + wCohesion * (s1 - c))))
 * </pre>
 *
 * where {@code s1, s2} are the two best centroid similarities and {@code c} the cohesion of the
 * best task (how close its own members sit to its centroid). When the instruction's extracted
 * verb|noun name is at hand and the calibration found that names help, a second model ({@link
 * WithName}) adds five name terms. The weights are fitted by leaving whole tasks out of the
 * taxonomy; the intercepts are then moved so that 0.5 is the calibrated operating point, where at
 * most the target share (5 % by default) of known-task probes scores novel: in a chat log almost
 * every prompt is a known task, so a balanced coin would flag far too many.
 *
 * <p>The name is evidence, never a veto: when the embedding terms alone put an instruction below
 * {@code confidentBelow} (a confident nearest-task match: high similarity and margin, a region few
 * unseen-task probes reach), the name terms are not read and the embedding score stands.
 *
 * <p>A model may instead add the similarity to the k-th nearest training member ({@link
 * Neighbours}), {@code + wNeighbour * n_k}; such a model reads no names.
 *
 * @param bias intercept
 * @param wTop1 weight of the top-1 similarity
 * @param wMargin weight of the margin
 * @param wCohesion weight of the top-1 similarity relative to its task's cohesion
 * @param withName the model used when a name was extracted, or null (embedding terms only)
 * @param confidentBelow the embedding logit below which a match is confident and names are not
 *     read, or null (names always read when the model has them)
 * @param wNeighbour weight of the similarity to the k-th nearest training member, or null (the term
 *     is not read)
 * @param neighbourK which neighbour (1: the nearest), given exactly when {@code wNeighbour} is
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record NoveltyModel(
    double bias,
    double wTop1,
    double wMargin,
    double wCohesion,
    WithName withName,
    Double confidentBelow,
    Double wNeighbour,
    Integer neighbourK) {

  /** Validates the neighbour term. */
  public NoveltyModel {
    if ((wNeighbour == null) != (neighbourK == null)) {
      throw new IllegalArgumentException("a neighbour weight needs its k, and a k its weight");
    }
    if (neighbourK != null && neighbourK < 1) {
      throw new IllegalArgumentException("neighbour k must be at least 1, not " + neighbourK);
    }
    if (wNeighbour != null && withName != null) {
      throw new IllegalArgumentException("a novelty model reads names or neighbours, not both");
    }
  }

  /**
   * A model with name terms read above a confidence bound.
   *
   * @param bias intercept
   * @param wTop1 weight of the top-1 similarity
   * @param wMargin weight of the margin
   * @param wCohesion weight of the top-1 similarity relative to its task's cohesion
   * @param withName the model used when a name was extracted, or null
   * @param confidentBelow the embedding logit below which names are not read, or null
   */
  public NoveltyModel(
      final double bias,
      final double wTop1,
      final double wMargin,
      final double wCohesion,
      final WithName withName,
      final Double confidentBelow) {
    this(bias, wTop1, wMargin, wCohesion, withName, confidentBelow, null, null);
  }

  /**
   * A model with the neighbour term and no name terms.
   *
   * @param bias intercept
   * @param wTop1 weight of the top-1 similarity
   * @param wMargin weight of the margin
   * @param wCohesion weight of the top-1 similarity relative to its task's cohesion
   * @param wNeighbour weight of the similarity to the k-th nearest training member
   * @param neighbourK which neighbour, from 1
   */
  public NoveltyModel(
      final double bias,
      final double wTop1,
      final double wMargin,
      final double wCohesion,
      final double wNeighbour,
      final int neighbourK) {
    this(bias, wTop1, wMargin, wCohesion, null, null, wNeighbour, neighbourK);
  }

  /**
   * @return whether the score reads the similarity to the k-th nearest training member
   */
  public boolean readsNeighbours() {
    return wNeighbour != null;
  }

  /** Before calibration: novelty falls as the best similarity rises, 0.5 at cosine 0.5. */
  public static final NoveltyModel UNCALIBRATED = new NoveltyModel(5, -10, 0, 0);

  /**
   * An embedding-only model.
   *
   * @param bias intercept
   * @param wTop1 weight of the top-1 similarity
   * @param wMargin weight of the margin
   * @param wCohesion weight of the top-1 similarity relative to its task's cohesion
   */
  public NoveltyModel(
      final double bias, final double wTop1, final double wMargin, final double wCohesion) {
    this(bias, wTop1, wMargin, wCohesion, null, null);
  }

  /**
   * A model with name terms that are always read.
   *
   * @param bias intercept
   * @param wTop1 weight of the top-1 similarity
   * @param wMargin weight of the margin
   * @param wCohesion weight of the top-1 similarity relative to its task's cohesion
   * @param withName the model used when a name was extracted
   */
  public NoveltyModel(
      final double bias,
      final double wTop1,
      final double wMargin,
      final double wCohesion,
      final WithName withName) {
    this(bias, wTop1, wMargin, wCohesion, withName, null);
  }

  /**
   * @param top1 best similarity
   * @param margin best minus second best
   * @param cohesion cohesion of the best task
   * @return whether the instruction's name could change its score: false without name terms and for
   *     a confident match, where naming it is wasted work
   */
  public boolean readsName(final double top1, final double margin, final double cohesion) {
    return withName != null
        && (confidentBelow == null || embeddingLogit(top1, margin, cohesion) > confidentBelow);
  }

  /**
   * @param shift subtracted from the embedding model's intercept (the confidence bound, an
   *     embedding logit, moves with it)
   * @param nameShift subtracted from the name model's intercept
   * @return this model with its operating point moved
   */
  NoveltyModel shifted(final double shift, final double nameShift) {
    return new NoveltyModel(
        bias - shift,
        wTop1,
        wMargin,
        wCohesion,
        withName == null ? null : withName.shifted(nameShift),
        confidentBelow == null ? null : confidentBelow - shift,
        wNeighbour,
        neighbourK);
  }

  /**
   * @param bound the embedding logit below which names are not read
   * @return this model with that confidence bound
   */
  NoveltyModel confidentBelow(final double bound) {
    return new NoveltyModel(
        bias, wTop1, wMargin, wCohesion, withName, bound, wNeighbour, neighbourK);
  }

  double embeddingLogit(final double top1, final double margin, final double cohesion) {
    if (wNeighbour != null) {
      throw new IllegalStateException("this novelty model reads the neighbour similarity too");
    }
    return bias + wTop1 * top1 + wMargin * margin + wCohesion * (top1 - cohesion);
  }

  /**
   * @param x the embedding features ({@link #features(double, double, double, double)})
   * @return the embedding logit
   */
  double embeddingLogit(final double[] x) {
    return bias
        + wTop1 * x[0]
        + wMargin * x[1]
        + wCohesion * x[2]
        + (wNeighbour == null ? 0 : wNeighbour * x[3]);
  }

  /**
   * @param top1 best similarity
   * @param margin best minus second best
   * @param cohesion cohesion of the best task
   * @param neighbour similarity to the k-th nearest training member (read only when {@link
   *     #readsNeighbours()})
   * @return the novelty score in [0, 1] from the embedding terms
   */
  public double score(
      final double top1, final double margin, final double cohesion, final double neighbour) {
    return sigmoid(embeddingLogit(features(top1, margin, cohesion, neighbour)));
  }

  /**
   * The model over embedding and name terms, each name term 0 or 1:
   *
   * <pre>
   *   z = bias + wTop1 * s1 + wMargin * (s1 - s2) + wCohesion * (s1 - c)
   *     + wNameKnown * [name is a pair of some task] + wNameIsNearest * [name is the nearest task's]
   *     + wNoName * [no name found] + wVerbKnown * [verb known] + wNounKnown * [noun known]
   * </pre>
   *
   * @param bias intercept
   * @param wTop1 weight of the top-1 similarity
   * @param wMargin weight of the margin
   * @param wCohesion weight of the top-1 similarity relative to its task's cohesion
   * @param wNameKnown weight of "the extracted name is a pair of some task"
   * @param wNameIsNearest weight of "it is a pair of the nearest task"
   * @param wNoName weight of "the extractor found no name"
   * @param wVerbKnown weight of "its verb is some task's verb"
   * @param wNounKnown weight of "its noun is some task's noun"
   */
  public record WithName(
      double bias,
      double wTop1,
      double wMargin,
      double wCohesion,
      double wNameKnown,
      double wNameIsNearest,
      double wNoName,
      double wVerbKnown,
      double wNounKnown) {

    static WithName of(final double[] coefficients) {
      final double[] w = coefficients;
      return new WithName(w[8], w[0], w[1], w[2], w[3], w[4], w[5], w[6], w[7]);
    }

    WithName shifted(final double shift) {
      return new WithName(
          bias - shift,
          wTop1,
          wMargin,
          wCohesion,
          wNameKnown,
          wNameIsNearest,
          wNoName,
          wVerbKnown,
          wNounKnown);
    }

    double z(final double[] x) {
      return bias
          + wTop1 * x[0]
          + wMargin * x[1]
          + wCohesion * x[2]
          + wNameKnown * x[3]
          + wNameIsNearest * x[4]
          + wNoName * x[5]
          + wVerbKnown * x[6]
          + wNounKnown * x[7];
    }
  }

  /**
   * @param top1 best similarity
   * @param margin best minus second best
   * @param cohesion cohesion of the best task
   * @return the novelty score in [0, 1] from the embedding terms
   */
  public double score(final double top1, final double margin, final double cohesion) {
    return sigmoid(embeddingLogit(top1, margin, cohesion));
  }

  /**
   * @param top1 best similarity
   * @param margin best minus second best
   * @param cohesion cohesion of the best task
   * @param nameTerms the five name terms ({@link TaskNames#features})
   * @return the novelty score in [0, 1]; from the embedding terms alone when this model has no name
   *     terms or the match is confident
   */
  double score(
      final double top1, final double margin, final double cohesion, final double[] nameTerms) {
    if (!readsName(top1, margin, cohesion)) {
      return score(top1, margin, cohesion);
    }
    return sigmoid(withName.z(features(features(top1, margin, cohesion), nameTerms)));
  }

  /**
   * @param top1 best similarity
   * @param margin best minus second best
   * @param cohesion cohesion of the best task
   * @return the embedding feature vector the weights apply to
   */
  static double[] features(final double top1, final double margin, final double cohesion) {
    return new double[] {top1, margin, top1 - cohesion};
  }

  /**
   * @param top1 best similarity
   * @param margin best minus second best
   * @param cohesion cohesion of the best task
   * @param neighbour similarity to the k-th nearest training member
   * @return the embedding features with the neighbour term
   */
  static double[] features(
      final double top1, final double margin, final double cohesion, final double neighbour) {
    return new double[] {top1, margin, top1 - cohesion, neighbour};
  }

  /** The embedding features followed by the name terms. */
  static double[] features(final double[] embedding, final double[] nameTerms) {
    final double[] x = new double[embedding.length + nameTerms.length];
    System.arraycopy(embedding, 0, x, 0, embedding.length);
    System.arraycopy(nameTerms, 0, x, embedding.length, nameTerms.length);
    return x;
  }

  private static double sigmoid(final double z) {
    return 1 / (1 + Math.exp(-z));
  }
}
