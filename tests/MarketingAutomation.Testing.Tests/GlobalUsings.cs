global using System.Collections.Immutable;
global using MarketingAutomation.Testing;
global using NodaTime;
