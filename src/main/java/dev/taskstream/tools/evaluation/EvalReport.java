package dev.taskstream.tools.evaluation;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * The scores of one evaluation file. Labelled files fill the clustering and nearest-centroid
 * fields, pair files the similarity fields; the rest stay null and are left out of JSON.
 *
 * @param file the source
 * @param kind {@code labelled} or {@code pairs}
 * @param instructions instructions embedded
 * @param tasks distinct tasks (labelled files)
 * @param ari adjusted Rand index over seeds
 * @param nmi normalised mutual information over seeds
 * @param purity purity over seeds
 * @param homogeneity homogeneity over seeds
 * @param nccAccuracy nearest-centroid accuracy on the 50/50 split
 * @param nccTested held-out instructions in that split
 * @param spearman Spearman correlation of cosine with the same-task label (pairs)
 * @param rocAuc ROC AUC of cosine for the same-task label (pairs)
 * @param noveltyAuc ROC AUC of calibrated novelty, instructions of left-out tasks against held-out
 *     instructions of known tasks (labelled files); with extracted names when they were given and
 *     helped
 * @param noveltyAucEmbedding the same for the embedding terms alone
 * @param noveltyAucBaseline the same for {@code 1 - top-1 cosine}
 * @param noveltyAucNeighbour the same for the model of the top-1 similarity and the nearest
 *     training member's ({@code build-taxonomy --novelty-features neighbour})
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record EvalReport(
    String file,
    String kind,
    int instructions,
    Integer tasks,
    Summary ari,
    Summary nmi,
    Summary purity,
    Summary homogeneity,
    @JsonProperty("ncc_accuracy") Double nccAccuracy,
    @JsonProperty("ncc_tested") Integer nccTested,
    Double spearman,
    @JsonProperty("roc_auc") Double rocAuc,
    @JsonProperty("novelty_auc") Double noveltyAuc,
    @JsonProperty("novelty_auc_embedding") Double noveltyAucEmbedding,
    @JsonProperty("novelty_auc_baseline") Double noveltyAucBaseline,
    @JsonProperty("novelty_auc_neighbour") Double noveltyAucNeighbour) {}
