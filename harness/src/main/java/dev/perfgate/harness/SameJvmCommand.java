package dev.perfgate.harness;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The command line of a new JVM started exactly as Gatling's Maven plugin started this one (same JVM options,
 * classpath, main class and arguments), with some system properties overridden: how a confirmation run and the
 * other injectors of a local run are started, so they run the same simulation with the same settings.
 */
final class SameJvmCommand {
    private SameJvmCommand() {
    }

    /**
     * Returns the command with {@code -D} options added after this JVM's own (the rightmost of a name wins), or
     * throws naming why this JVM's command line cannot be repeated.
     */
    static List<String> with(List<String> systemProperties) {
        ProcessHandle.Info self = ProcessHandle.current().info();
        if (self.command().isEmpty() || self.arguments().isEmpty()) {
            throw new IllegalStateException("this JVM's command line is not readable on this platform");
        }
        List<String> args = new ArrayList<>(List.of(self.arguments().get()));
        int jar = args.indexOf("-jar");
        if (jar >= 0 && jar + 1 < args.size() && !Files.exists(Path.of(args.get(jar + 1)))) {
            throw new IllegalStateException(args.get(jar + 1) + " (Gatling's launcher) is gone");
        }
        int main = jar >= 0 ? jar : firstNonOption(args);
        List<String> command = new ArrayList<>();
        command.add(self.command().get());
        command.addAll(args.subList(0, main));
        command.addAll(systemProperties);
        command.addAll(args.subList(main, args.size()));
        return command;
    }

    /**
     * Returns the command with Gatling's results folder replaced, so that the new JVM's report is not written among
     * this one's. Gatling's Maven plugin passes Gatling's own arguments in {@code META-INF/args.txt} inside the
     * launcher jar it starts with {@code -jar}, one per line: the new JVM gets a copy of that jar, beside it (its
     * manifest's class path may be relative), with {@code --results-folder} replaced. A command without such a jar is
     * returned as it is.
     */
    static List<String> withResultsFolder(List<String> command, Path folder, String copySuffix) {
        int jarAt = command.indexOf("-jar") + 1;
        if (jarAt == 0 || jarAt >= command.size()) {
            return command;
        }
        Path jar = Path.of(command.get(jarAt));
        Path copy = jar.resolveSibling(jar.getFileName().toString().replaceFirst("\\.jar$", "") + copySuffix + ".jar");
        try (java.util.zip.ZipFile in = new java.util.zip.ZipFile(jar.toFile());
             java.util.zip.ZipOutputStream out = new java.util.zip.ZipOutputStream(Files.newOutputStream(copy))) {
            java.util.zip.ZipEntry argsEntry = in.getEntry("META-INF/args.txt");
            if (argsEntry == null) {
                return command;
            }
            for (java.util.zip.ZipEntry e : java.util.Collections.list(in.entries())) {
                out.putNextEntry(new java.util.zip.ZipEntry(e.getName()));
                byte[] bytes = in.getInputStream(e).readAllBytes();
                if (e.getName().equals(argsEntry.getName())) {
                    bytes = String.join("\n", replaceResultsFolder(new String(bytes,
                            java.nio.charset.StandardCharsets.UTF_8).lines().toList(), folder))
                            .getBytes(java.nio.charset.StandardCharsets.UTF_8);
                }
                out.write(bytes);
                out.closeEntry();
            }
        } catch (java.io.IOException e) {
            throw new IllegalStateException("cannot copy Gatling's launcher " + jar + ": " + e.getMessage(), e);
        }
        copy.toFile().deleteOnExit();
        List<String> out = new ArrayList<>(command);
        out.set(jarAt, copy.toString());
        return out;
    }

    /** Returns Gatling's arguments with {@code --results-folder} (or {@code -rf}) set to the folder. */
    static List<String> replaceResultsFolder(List<String> gatlingArgs, Path folder) {
        List<String> out = new ArrayList<>(gatlingArgs);
        for (int i = 0; i < out.size() - 1; i++) {
            if (out.get(i).equals("--results-folder") || out.get(i).equals("-rf")) {
                out.set(i + 1, folder.toString());
                return out;
            }
        }
        out.add("--results-folder");
        out.add(folder.toString());
        return out;
    }

    private static int firstNonOption(List<String> args) {
        for (int i = 0; i < args.size(); i++) {
            String a = args.get(i);
            if (!a.startsWith("-")) {
                return i;
            }
            if (a.equals("-cp") || a.equals("-classpath") || a.equals("--class-path")) {
                i++;
            }
        }
        return args.size();
    }
}
