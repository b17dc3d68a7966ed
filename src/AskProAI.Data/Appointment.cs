namespace AskProAI.Data;

/// <summary>An appointment at a branch with a staff member, usually booked during a call.</summary>
public class Appointment : ICompanyOwned, IVersioned
{
    /// <summary>Gets or sets the id.</summary>
    public long Id { get; set; }

    /// <summary>Gets or sets the owning company's id.</summary>
    public int CompanyId { get; set; }

    /// <summary>Gets or sets the id of the branch (of the same company).</summary>
    public int BranchId { get; set; }

    /// <summary>Gets or sets the id of the staff member (of the same company).</summary>
    public int StaffId { get; set; }

    /// <summary>Gets or sets the id of the customer (of the same company).</summary>
    public int CustomerId { get; set; }

    /// <summary>Gets or sets the id of the call (of the same company) that booked it, if any.</summary>
    public long? CallId { get; set; }

    /// <summary>Gets or sets when the appointment starts (UTC).</summary>
    public DateTime StartsAt { get; set; }

    /// <summary>Gets or sets the status.</summary>
    public AppointmentStatus Status { get; set; }

    /// <summary>Gets or sets the price in euro cents.</summary>
    public long PriceCents { get; set; }

    /// <summary>Gets or sets when the appointment was booked (UTC).</summary>
    public DateTime CreatedAt { get; set; }

    /// <summary>Gets or sets the row version (a concurrency token, incremented by every update; see <see cref="IVersioned"/>).</summary>
    public int Version { get; set; }

    /// <summary>Gets or sets the branch.</summary>
    public Branch? Branch { get; set; }

    /// <summary>Gets or sets the staff member.</summary>
    public StaffMember? Staff { get; set; }

    /// <summary>Gets or sets the customer.</summary>
    public Customer? Customer { get; set; }

    /// <summary>Gets or sets the call that booked the appointment.</summary>
    public Call? Call { get; set; }
}
