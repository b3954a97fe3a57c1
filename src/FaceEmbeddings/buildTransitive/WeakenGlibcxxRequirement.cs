#nullable enable
// Build-time fix-up for TorchSharp's native library on distributions with an older libstdc++.
// See FaceEmbeddings.targets for why. Compiled by MSBuild's RoslynCodeTaskFactory.
using System;
using System.Diagnostics;
using System.IO;
using System.Text;
using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;

namespace FaceEmbeddings.Build
{
    public sealed class WeakenGlibcxxRequirement : Task
    {
        private const uint ShtGnuVerneed = 0x6ffffffe;
        private const ushort VerFlagWeak = 0x2;

        [Required] public ITaskItem[] Files { get; set; } = Array.Empty<ITaskItem>();

        [Required] public string Version { get; set; } = "";

        /// <summary>Patch whatever this machine's libstdc++ provides: for output that runs elsewhere (a tool package).</summary>
        public bool Always { get; set; }

        public override bool Execute()
        {
            string? libstdcxx = Always ? "the machines this output is for" : FindSystemLibStdCxx();
            if (libstdcxx == null)
            {
                Log.LogMessage(MessageImportance.Low, "FaceEmbeddings: no system libstdc++.so.6 found; libLibTorchSharp.so left as is.");
                return true;
            }
            if (!Always && ContainsAscii(File.ReadAllBytes(libstdcxx), Version + "\0"))
            {
                Log.LogMessage(MessageImportance.Low, $"FaceEmbeddings: {libstdcxx} provides {Version}; libLibTorchSharp.so left as is.");
                return true;
            }
            foreach (ITaskItem item in Files)
            {
                string path = item.ItemSpec;
                if (!File.Exists(path)) continue;
                try
                {
                    byte[] elf = File.ReadAllBytes(path);
                    int changed = MarkVersionWeak(elf, Version);
                    if (changed == 0) continue;
                    // Write a new file and rename it over the old one, so that a hard link into
                    // the NuGet cache (if the copy made one) is never modified in place.
                    string temp = path + ".faceembeddings-tmp";
                    File.WriteAllBytes(temp, elf);
                    File.Delete(path);
                    File.Move(temp, path);
                    Log.LogMessage(MessageImportance.Normal, $"FaceEmbeddings: {path}: {Version} requirement marked weak ({libstdcxx} may lack it).");
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidDataException)
                {
                    Log.LogWarning($"FaceEmbeddings: could not patch {path}: {e.Message}");
                }
            }
            return !Log.HasLoggedErrors;
        }

        /// <summary>Sets VER_FLG_WEAK on every Vernaux entry named <paramref name="version"/>; returns how many changed.</summary>
        private static int MarkVersionWeak(byte[] elf, string version)
        {
            if (elf.Length < 64 || elf[0] != 0x7f || elf[1] != (byte)'E' || elf[2] != (byte)'L' || elf[3] != (byte)'F')
                throw new InvalidDataException("not an ELF file");
            if (elf[4] != 2 || elf[5] != 1)
                throw new InvalidDataException("not a little-endian ELF64 file");

            long sectionTable = (long)BitConverter.ToUInt64(elf, 0x28);
            int entrySize = BitConverter.ToUInt16(elf, 0x3A);
            int sectionCount = BitConverter.ToUInt16(elf, 0x3C);
            int changed = 0;
            for (int i = 0; i < sectionCount; i++)
            {
                long header = sectionTable + (long)i * entrySize;
                if (header + 64 > elf.Length) throw new InvalidDataException("section table out of range");
                if (BitConverter.ToUInt32(elf, (int)header + 4) != ShtGnuVerneed) continue;

                long offset = (long)BitConverter.ToUInt64(elf, (int)header + 24);
                int stringSection = (int)BitConverter.ToUInt32(elf, (int)header + 40);
                int needCount = (int)BitConverter.ToUInt32(elf, (int)header + 44);
                long strings = (long)BitConverter.ToUInt64(elf, (int)(sectionTable + (long)stringSection * entrySize + 24));

                long need = offset;
                for (int n = 0; n < needCount; n++)
                {
                    int auxCount = BitConverter.ToUInt16(elf, (int)need + 2);
                    long aux = need + BitConverter.ToUInt32(elf, (int)need + 8);
                    for (int a = 0; a < auxCount; a++)
                    {
                        long name = strings + BitConverter.ToUInt32(elf, (int)aux + 8);
                        if (ReadCString(elf, name) == version)
                        {
                            ushort flags = BitConverter.ToUInt16(elf, (int)aux + 4);
                            if ((flags & VerFlagWeak) == 0)
                            {
                                BitConverter.GetBytes((ushort)(flags | VerFlagWeak)).CopyTo(elf, (int)aux + 4);
                                changed++;
                            }
                        }
                        aux += BitConverter.ToUInt32(elf, (int)aux + 12);
                    }
                    need += BitConverter.ToUInt32(elf, (int)need + 12);
                }
            }
            return changed;
        }

        private static string ReadCString(byte[] data, long start)
        {
            long end = start;
            while (end < data.Length && data[end] != 0) end++;
            return Encoding.ASCII.GetString(data, (int)start, (int)(end - start));
        }

        private static bool ContainsAscii(byte[] haystack, string needle)
        {
            byte[] pattern = Encoding.ASCII.GetBytes(needle);
            for (int start = 0; start <= haystack.Length - pattern.Length; start++)
            {
                int matched = 0;
                while (matched < pattern.Length && haystack[start + matched] == pattern[matched]) matched++;
                if (matched == pattern.Length) return true;
            }
            return false;
        }

        /// <summary>The libstdc++.so.6 the dynamic linker would pick for a 64-bit process.</summary>
        private static string? FindSystemLibStdCxx()
        {
            foreach (string ldconfig in new[] { "/sbin/ldconfig", "/usr/sbin/ldconfig" })
            {
                if (!File.Exists(ldconfig)) continue;
                try
                {
                    var start = new ProcessStartInfo(ldconfig, "-p") { RedirectStandardOutput = true, UseShellExecute = false };
                    using var process = Process.Start(start)!;
                    string output = process.StandardOutput.ReadToEnd();
                    process.WaitForExit();
                    foreach (string line in output.Split('\n'))
                    {
                        if (!line.TrimStart().StartsWith("libstdc++.so.6 ", StringComparison.Ordinal) || !line.Contains("x86-64")) continue;
                        int arrow = line.IndexOf("=> ", StringComparison.Ordinal);
                        if (arrow >= 0) return line.Substring(arrow + 3).Trim();
                    }
                }
                catch (Exception e) when (e is System.ComponentModel.Win32Exception or IOException)
                {
                    // fall through to the well-known locations
                }
            }
            foreach (string candidate in new[] { "/usr/lib/x86_64-linux-gnu/libstdc++.so.6", "/usr/lib64/libstdc++.so.6", "/usr/lib/libstdc++.so.6" })
                if (File.Exists(candidate)) return candidate;
            return null;
        }
    }
}
