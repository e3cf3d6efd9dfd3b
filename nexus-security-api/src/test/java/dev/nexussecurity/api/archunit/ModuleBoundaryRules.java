package dev.nexussecurity.api.archunit;

import static com.tngtech.archunit.base.DescribedPredicate.anyElementThat;
import static com.tngtech.archunit.base.DescribedPredicate.not;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideOutsideOfPackage;
import static com.tngtech.archunit.core.domain.properties.HasModifiers.Predicates.modifier;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noCodeUnits;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaModifier;
import com.tngtech.archunit.lang.ArchRule;
import java.util.Map;
import java.util.TreeMap;

/**
 * ArchUnit rules shared by the architecture tests of every nexus-security module (this class ships
 * in the api module's test jar; modules add it as a test dependency).
 *
 * <p>Each module applies the rules to its own classes with its own root package. Because every
 * module forbids itself the {@code ..internal..} packages of everyone else, together the modules
 * guarantee that no class outside a module uses that module's internals.
 *
 * <p>The rules judge the classes a module refers to by package and name only, so the {@code
 * archunit.properties} beside this class (in the same test jar) turns off ArchUnit's import of
 * those classes from the class path, which took seconds per module and changes no verdict.
 *
 * <pre>{@code
 * @AnalyzeClasses(packages = "dev.nexussecurity.core", importOptions = ImportOption.DoNotIncludeTests.class)
 * class CoreArchitectureTest {
 *   @ArchTest
 *   static final ArchRule noForeignInternals =
 *       ModuleBoundaryRules.noForeignInternalPackages("dev.nexussecurity.core", Map.of());
 * }
 * }</pre>
 */
public final class ModuleBoundaryRules {
  /**
   * The project's shared implementation helpers (the one sanitiser, the one atomic file writer, the
   * one periodic refresher), which every module may use: internal to the project, not to one
   * module.
   */
  public static final String SHARED_INTERNAL_PACKAGE = "dev.nexussecurity.api.internal";

  private ModuleBoundaryRules() {}

  /**
   * Classes under {@code rootPackage} depend only on the JDK's {@code java..} packages and on each
   * other.
   */
  public static ArchRule dependOnlyOnTheJdk(String rootPackage) {
    return classes()
        .that()
        .resideInAPackage(rootPackage + "..")
        .should()
        .onlyDependOnClassesThat()
        .resideInAnyPackage("java..", rootPackage + "..")
        .as("classes in " + rootPackage + " depend only on the JDK (java..) and on each other")
        .because("the api module is the shared contract and must not pull in any library");
  }

  /**
   * No class under {@code rootPackage} uses an {@code ..internal..} package that is not its own
   * (except the project's shared helpers in {@value #SHARED_INTERNAL_PACKAGE}): not another
   * nexus-security module's, and not a library's (e.g. {@code io.temporal.internal}, {@code
   * com.google.crypto.tink.internal}), whose internals have no compatibility promise.
   *
   * @param justifiedUsers fully qualified names of classes allowed to use foreign internals anyway,
   *     each mapped to the justification (why there is no public alternative); blank justifications
   *     are refused
   */
  public static ArchRule noForeignInternalPackages(
      String rootPackage, Map<String, String> justifiedUsers) {
    Map<String, String> exceptions = new TreeMap<>(justifiedUsers);
    exceptions.forEach(
        (user, why) -> {
          if (why == null || why.isBlank()) {
            throw new IllegalArgumentException(
                "The exception for " + user + " needs a justification (why no public API serves)");
          }
        });
    DescribedPredicate<JavaClass> justified =
        DescribedPredicate.describe(
            "justified users " + exceptions.keySet(), c -> exceptions.containsKey(c.getName()));
    DescribedPredicate<JavaClass> foreignInternal =
        resideInAPackage("..internal..")
            .and(not(resideInAPackage(rootPackage + "..")))
            .and(not(resideInAPackage(SHARED_INTERNAL_PACKAGE)))
            .as("classes in another code base's ..internal.. packages");
    return noClasses()
        .that()
        .resideInAPackage(rootPackage + "..")
        .and(not(justified))
        .should()
        .dependOnClassesThat(foreignInternal)
        .as("no class in " + rootPackage + " uses another module's or library's internal packages")
        .because("internal packages carry no compatibility promise and are implementation detail");
  }

  /**
   * Public methods and constructors of public classes outside {@code ..internal..} under {@code
   * rootPackage} neither return nor take types from {@code ..internal..} packages, so the public
   * API never exposes implementation detail.
   */
  public static ArchRule publicApiExposesNoInternalTypes(String rootPackage) {
    DescribedPredicate<JavaClass> internal = resideInAPackage("..internal..");
    return noCodeUnits()
        .that()
        .arePublic()
        .and()
        .areDeclaredInClassesThat(
            resideInAPackage(rootPackage + "..")
                .and(resideOutsideOfPackage("..internal.."))
                .and(modifier(JavaModifier.PUBLIC)))
        .should()
        .haveRawReturnType(internal)
        .orShould()
        .haveRawParameterTypes(anyElementThat(internal))
        .as("the public API of " + rootPackage + " exposes no ..internal.. types")
        .because("users must never need an internal type to call the library");
  }
}
