namespace AskProAI.Data;

/// <summary>What <see cref="DemoDataGenerator.GenerateAsync"/> wrote.</summary>
/// <param name="Companies">The number of companies.</param>
/// <param name="Branches">The number of branches.</param>
/// <param name="Staff">The number of staff members.</param>
/// <param name="Customers">The number of customers.</param>
/// <param name="Calls">The number of calls.</param>
/// <param name="Appointments">The number of appointments.</param>
/// <param name="Elapsed">How long generating and writing took.</param>
public sealed record DemoDataResult(int Companies, int Branches, int Staff, int Customers, long Calls, long Appointments, TimeSpan Elapsed);
