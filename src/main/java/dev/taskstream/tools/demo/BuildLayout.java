package dev.taskstream.tools.demo;

import java.net.URI;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Path;

/**
 * Where a build put the service: the jar holding the command line's main class, and the build
 * directory beside it ({@code target/}: {@code lib/}, {@code lib-tools/}, {@code apicurio/}). Run
 * from classes (tests, an IDE), there is no jar and the directory is the classes directory's
 * parent.
 */
public final class BuildLayout {
  private static final String MAIN = "dev/taskstream/cli/Main.class";

  private BuildLayout() {}

  /**
   * @return the service jar, or null when the classes are not in a jar
   */
  public static Path serviceJar() {
    final URL main = main();
    if (!"jar".equals(main.getProtocol())) {
      return null;
    }
    final String file = main.getFile();
    return path(file.substring(0, file.indexOf("!/")));
  }

  /**
   * @return the build directory: the service jar's folder, or the classes directory's parent
   */
  public static Path directory() {
    final Path jar = serviceJar();
    if (jar != null) {
      return jar.getParent();
    }
    Path classes = path(main().toString());
    for (int i = 0; i < MAIN.split("/").length; i++) {
      classes = classes.getParent();
    }
    return classes.getParent();
  }

  private static URL main() {
    final URL main = BuildLayout.class.getClassLoader().getResource(MAIN);
    if (main == null) {
      throw new IllegalStateException("the taskstream command line is not on the class path");
    }
    return main;
  }

  private static Path path(final String uri) {
    try {
      return Path.of(new URI(uri));
    } catch (URISyntaxException e) {
      throw new IllegalStateException("cannot locate the taskstream build from " + uri, e);
    }
  }
}
