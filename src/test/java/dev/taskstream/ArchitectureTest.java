package dev.taskstream;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.Architectures.layeredArchitecture;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import dev.taskstream.cli.Main;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The layering of the shipped code (tests excluded): arrows point down, no package cycles, and
 * features do not reach into each other. A new upward import fails {@code mvn verify} here, naming
 * the classes. The layers, top to bottom, are in {@code docs/architecture.md}.
 */
class ArchitectureTest {
  private static final List<String> FEATURES =
      List.of("analytics", "compression", "discovery", "live", "metrics");

  private static JavaClasses classes;

  @BeforeAll
  static void importClasses() {
    classes =
        new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("dev.taskstream");
  }

  @Test
  void shouldOnlyDependDownwardsThroughTheLayers() {
    // Given the shipped classes, When their dependencies are read, Then every one points down
    layeredArchitecture()
        .consideringOnlyDependenciesInLayers()
        .layer("cli")
        .definedBy("dev.taskstream.cli..")
        .layer("tools")
        .definedBy("dev.taskstream.tools..")
        .layer("app")
        .definedBy("dev.taskstream.app..")
        .layer("features")
        .definedBy(FEATURES.stream().map(f -> "dev.taskstream." + f + "..").toArray(String[]::new))
        .layer("tagging")
        .definedBy("dev.taskstream.stream..")
        .layer("taxonomy")
        .definedBy("dev.taskstream.taxonomy..")
        .layer("embedding")
        .definedBy("dev.taskstream.embedding..")
        .layer("plumbing")
        .definedBy(
            "dev.taskstream.vectors..",
            "dev.taskstream.kafka..",
            "dev.taskstream.http..",
            "dev.taskstream.config..")
        .whereLayer("cli")
        .mayNotBeAccessedByAnyLayer()
        .whereLayer("tools")
        .mayOnlyBeAccessedByLayers("cli")
        .whereLayer("app")
        .mayOnlyBeAccessedByLayers("cli", "tools")
        .whereLayer("features")
        .mayOnlyBeAccessedByLayers("cli", "tools", "app")
        .whereLayer("tagging")
        .mayOnlyBeAccessedByLayers("cli", "tools", "app", "features")
        .whereLayer("taxonomy")
        .mayOnlyBeAccessedByLayers("cli", "tools", "app", "features", "tagging")
        .whereLayer("embedding")
        .mayOnlyBeAccessedByLayers("cli", "tools", "app", "features", "tagging", "taxonomy")
        .check(classes);
  }

  @Test
  void shouldHaveNoPackageCycles() {
    slices().matching("dev.taskstream.(**)").should().beFreeOfCycles().check(classes);
  }

  @Test
  void shouldKeepFeaturesOutOfEachOther() {
    // Each feature attaches to the tagged stream alone; the composition root connects them.
    for (final String feature : FEATURES) {
      noClasses()
          .that()
          .resideInAPackage("dev.taskstream." + feature + "..")
          .should()
          .dependOnClassesThat()
          .resideInAnyPackage(
              FEATURES.stream()
                  .filter(f -> !f.equals(feature))
                  .map(f -> "dev.taskstream." + f + "..")
                  .toArray(String[]::new))
          .check(classes);
    }
  }

  @Test
  void shouldKeepConfigMechanicsAndVectorsFreeOfTheProduct() {
    // The bottom of the stack knows nothing above it.
    noClasses()
        .that()
        .resideInAnyPackage("dev.taskstream.config..", "dev.taskstream.vectors..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(
            "dev.taskstream.kafka..",
            "dev.taskstream.http..",
            "dev.taskstream.embedding..",
            "dev.taskstream.taxonomy..",
            "dev.taskstream.stream..")
        .check(classes);
  }

  @Test
  void shouldKeepTheServiceFreeOfTheToolbox() {
    // Given the service jar and lib/ without the toolbox (pom.xml: tool.packages, tool.artifacts)
    final String[] toolbox = {
      "dev.taskstream.tools.demo..",
      "dev.taskstream.tools.bench..",
      "dev.taskstream.tools.reliability.."
    };
    final DescribedPredicate<JavaClass> toolCommand =
        DescribedPredicate.describe(
            "a toolbox command",
            c ->
                Main.tools().values().stream()
                    .anyMatch(
                        name -> c.getName().equals(name) || c.getName().startsWith(name + "$")));
    // Then nothing else reaches into it, nor into the broker, Scala or langchain4j's classes
    noClasses()
        .that()
        .resideOutsideOfPackages(toolbox)
        .and(DescribedPredicate.not(toolCommand))
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(
            "dev.taskstream.tools.demo..",
            "dev.taskstream.tools.bench..",
            "dev.taskstream.tools.reliability..",
            "kafka..",
            "scala..",
            "org.apache.kafka.server..",
            "org.apache.kafka.metadata..",
            "org.apache.kafka.raft..",
            "dev.langchain4j..")
        .because("the service image ships without lib-tools/ (docs/deployment.md)")
        .check(classes);
  }
}
