using Emporium.Configuration;
using Emporium.Processing;

namespace Emporium.Tests.Configuration;

/// <summary>The ranges the host's settings check reads are the ones a library user's options are checked against.</summary>
public sealed class SettingRangeAttributeTests
{
    [Fact]
    public void Options_built_in_code_are_checked_against_the_declared_ranges_naming_the_setting()
    {
        new LakeCompactionOptions().Validate();
        new LakeCompactionOptions { Fanout = 2, TargetBytes = 1, Interval = TimeSpan.FromTicks(1) }.Validate();

        Assert.Equal("Processor:Compaction:Fanout must be a whole number of at least 2, not 1",
            Assert.Throws<ArgumentException>(() => new LakeCompactionOptions { Fanout = 1 }.Validate()).Message);
        Assert.Equal("Processor:Compaction:Interval must be a duration above zero, like 00:00:30, not 00:00:00",
            Assert.Throws<ArgumentException>(() => new LakeCompactionOptions { Interval = TimeSpan.Zero }.Validate()).Message);
        Assert.Equal("Processor:Compaction:TargetBytes must be a whole number of at least 1, not -3",
            Assert.Throws<ArgumentException>(() => new LakeCompactionOptions { TargetBytes = -3 }.Validate()).Message);
    }
}
